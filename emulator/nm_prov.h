/* nm_prov.h - the provenance text of an image (docs/image-format.md, "Provenance"): lines
 * "key=value\n", keys 1..63 of [a-z0-9_.-], values up to 1023 bytes without control
 * characters, at most NM_PROV_MAX bytes; shared by the TrueNorth and Loihi image readers. */
#ifndef NM_PROV_H
#define NM_PROV_H

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#define NM_PROV_MAX 16384u

/* 0 if text (len bytes) is valid provenance (each key once); else -1 and why, naming the line. */
static inline int nm_prov_check(const char *text, size_t len, char *err, size_t errlen)
{
    size_t i = 0, line = 1;
    if (len > NM_PROV_MAX) {
        snprintf(err, errlen, "provenance is %zu bytes, at most %u", len, NM_PROV_MAX);
        return -1;
    }
    while (i < len) {
        size_t k = i, v;
        while (k < len && text[k] != '=' && text[k] != '\n') {
            char ch = text[k];
            if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '.' || ch == '-')) {
                snprintf(err, errlen, "provenance line %zu: key character 0x%02x: keys are [a-z0-9_.-]", line,
                         (unsigned char)ch);
                return -1;
            }
            k++;
        }
        if (k == i || k - i > 63 || k == len || text[k] != '=') {
            snprintf(err, errlen, "provenance line %zu: expected key=value with a key of 1..63 characters", line);
            return -1;
        }
        for (v = k + 1; v < len && text[v] != '\n'; v++)
            if ((unsigned char)text[v] < 32 || text[v] == 127) {
                snprintf(err, errlen, "provenance line %zu: control character 0x%02x in the value", line,
                         (unsigned char)text[v]);
                return -1;
            }
        if (v == len) {
            snprintf(err, errlen, "provenance line %zu: does not end in a newline", line);
            return -1;
        }
        {
            size_t j = 0; /* a key given twice: the earlier lines' keys */
            while (j < i) {
                size_t e = j;
                while (text[e] != '=')
                    e++;
                if (e - j == k - i && !memcmp(text + j, text + i, k - i)) {
                    snprintf(err, errlen, "provenance line %zu: key \"%.*s\" given twice", line, (int)(k - i),
                             text + i);
                    return -1;
                }
                while (text[j] != '\n')
                    j++;
                j++;
            }
        }
        if (v - k - 1 > 1023) {
            snprintf(err, errlen, "provenance line %zu: value of %zu bytes, at most 1023", line, v - k - 1);
            return -1;
        }
        i = v + 1;
        line++;
    }
    return 0;
}

#endif
