/*
 * c-minimal: the smallest useful connkit validator plugin in C, against the generated
 * header <connkit_plugin_v1.h>. It checks source-config XML for tab characters (editors
 * disagree on how wide they are, so the form's layout drifts): one warning per tab, at
 * its 1-based line and column, columns counted in characters as connkit counts them.
 * An empty body is an error.
 *
 * Build: make            (writes libconnkit_c_minimal.so; see the Makefile)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "connkit_plugin_v1.h"

/* A growable byte string whose bytes become the plugin-owned out buffer. */
typedef struct { char *data; size_t len, cap; } text;

static int append(text *t, const char *s, size_t n) {
    if (t->len + n > t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 256;
        while (cap < t->len + n) cap *= 2;
        char *data = realloc(t->data, cap);
        if (!data) return 0;
        t->data = data;
        t->cap = cap;
    }
    memcpy(t->data + t->len, s, n);
    t->len += n;
    return 1;
}

/* Hands `t` to the host (ok) or frees it (plugin error). */
static uint32_t finish(text *t, int ok, connkit_buffer *out) {
    if (!ok) {
        free(t->data);
        return CONNKIT_STATUS_PLUGIN_ERROR;
    }
    out->ptr = (uint8_t *)t->data;
    out->len = t->len;
    return CONNKIT_STATUS_OK;
}

static uint32_t info(connkit_buffer *out) {
    static const char json[] =
        "{\"name\":\"c-minimal\",\"version\":\"1.0.0\",\"kinds\":[1],"
        "\"description\":\"source-config XML: no tabs, not empty\"}";
    text t = {0};
    return finish(&t, append(&t, json, sizeof json - 1), out);
}

static int add_finding(text *t, int *first, const char *severity, const char *code,
                       const char *message, size_t line, size_t column) {
    char json[256];
    int n = column
        ? snprintf(json, sizeof json,
                   "%s{\"severity\":\"%s\",\"code\":\"%s\",\"message\":\"%s\","
                   "\"line\":%zu,\"column\":%zu}",
                   *first ? "" : ",", severity, code, message, line, column)
        : snprintf(json, sizeof json,
                   "%s{\"severity\":\"%s\",\"code\":\"%s\",\"message\":\"%s\"}",
                   *first ? "" : ",", severity, code, message);
    *first = 0;
    return n > 0 && (size_t)n < sizeof json && append(t, json, (size_t)n);
}

static uint32_t validate(uint32_t kind, connkit_bytes body, connkit_buffer *out) {
    if (kind != CONNKIT_KIND_SOURCE_CONFIG) return CONNKIT_STATUS_UNSUPPORTED_KIND;
    text t = {0};
    int first = 1;
    int ok = append(&t, "[", 1);
    if (body.len == 0) {
        ok = ok && add_finding(&t, &first, "error", "c-minimal.empty",
                               "the source-config is empty", 0, 0);
    }
    size_t line = 1, column = 1;
    for (size_t i = 0; ok && i < body.len; i++) {
        uint8_t b = body.ptr[i];
        if (b == '\n') {
            line++;
            column = 1;
            continue;
        }
        if (b == '\t') {
            ok = add_finding(&t, &first, "warning", "c-minimal.tab",
                             "a tab character; indent with spaces", line, column);
        }
        /* UTF-8 continuation bytes (10xxxxxx) do not start a character. */
        if ((b & 0xC0) != 0x80) column++;
    }
    ok = ok && append(&t, "]", 1);
    return finish(&t, ok, out);
}

static void release(connkit_buffer buf) { free(buf.ptr); }

static const connkit_validator_v1_vtable VTABLE = {
    sizeof(connkit_validator_v1_vtable), CONNKIT_ABI_VERSION, info, validate, release,
};

const connkit_validator_v1_vtable *connkit_validator_v1(void) { return &VTABLE; }
