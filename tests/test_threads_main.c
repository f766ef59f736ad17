/* test_threads_main.c - the Check runner of the chip models' thread tests alone (make test-tsan: no Verilated model needed).
 *
 * The TrueNorth chip model's suite (test_model.c: 2, 3 and 4 threads give the results of
 * one) and the Loihi-style chip model's (test_loihi_chip.c: 2 threads and the portable
 * update agree with one thread); mk/tsan.mk builds them with ThreadSanitizer. */
#include <check.h>
#include <stdlib.h>

Suite *model_suite(void);
Suite *loihi_chip_suite(void);

int main(void)
{
    SRunner *sr = srunner_create(model_suite());
    int failed;
    srunner_add_suite(sr, loihi_chip_suite());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
