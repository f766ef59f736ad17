/* test_loihi_model_main.c - the Check runner of the Loihi tests that exist only for the model
 * (the chip of Loihi cores, the energy presets, images); make test-loihi-model runs it after
 * nm-loihi-tests (whose suites also run on the RTL). */
#include <check.h>
#include <stdlib.h>

Suite *loihi_chip_suite(void);
Suite *loihi_energy_suite(void);
Suite *loihi_image_suite(void);

int main(void)
{
    SRunner *sr = srunner_create(loihi_chip_suite());
    int failed;
    srunner_add_suite(sr, loihi_energy_suite());
    srunner_add_suite(sr, loihi_image_suite());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
