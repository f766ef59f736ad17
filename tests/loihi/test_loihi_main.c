/* test_loihi_main.c - the Check runner of the Loihi-style core's tests (make test-loihi-model).
 * usage: nm-loihi-tests [--rtl]   (--rtl also runs the directed tests on the RTL, if built in) */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "loihi_test_backend.h"

Suite *loihi_port_suite(void);
Suite *loihi_directed_suite(void);
Suite *loihi_golden_suite(void);

int main(int argc, char **argv)
{
    SRunner *sr;
    int i, failed;
    for (i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--rtl"))
            nm_loihi_test_nbackends = 2;
    sr = srunner_create(loihi_port_suite());
    srunner_add_suite(sr, loihi_directed_suite());
    srunner_add_suite(sr, loihi_golden_suite());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
