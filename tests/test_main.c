/* test_main.c - the Check runner of `make test-unit`.
 * usage: nm-tests [--rtl]   (--rtl also runs the core and chip tests on the RTL) */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "nm_test_backend.h"

Suite *neuron_directed_suite(void);
Suite *regmap_suite(void);
Suite *chip_suite(void);
Suite *image_suite(void);
Suite *model_suite(void);
Suite *energy_suite(void);
Suite *storage_suite(void);

int main(int argc, char **argv)
{
    SRunner *sr;
    int i, failed;
    for (i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--rtl"))
            nm_test_nbackends = 2;
    sr = srunner_create(regmap_suite());
    srunner_add_suite(sr, neuron_directed_suite());
    srunner_add_suite(sr, chip_suite());
    srunner_add_suite(sr, image_suite());
    srunner_add_suite(sr, model_suite());
    srunner_add_suite(sr, energy_suite());
    srunner_add_suite(sr, storage_suite());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
