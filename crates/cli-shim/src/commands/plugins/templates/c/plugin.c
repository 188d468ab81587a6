/*
 * {{name}}: a connkit validator plugin in C, against <connkit_plugin_v1.h> (copied
 * into this folder). connkit calls `validate` with each body of the kinds `info`
 * declares before sending it; an error finding stops the request.
 */
#include <stdlib.h>
#include <string.h>

#include "connkit_plugin_v1.h"

/* Copies `json` into a buffer the host hands back to `release`. */
static uint32_t answer(const char *json, connkit_buffer *out) {
    size_t len = strlen(json);
    uint8_t *copy = malloc(len);
    if (!copy) return CONNKIT_STATUS_PLUGIN_ERROR;
    memcpy(copy, json, len);
    out->ptr = copy;
    out->len = len;
    return CONNKIT_STATUS_OK;
}

static uint32_t info(connkit_buffer *out) {
    return answer("{\"name\":\"{{name}}\",\"version\":\"0.1.0\",\"kinds\":[1],"
                  "\"description\":\"source-config XML: not empty\"}",
                  out);
}

static uint32_t validate(uint32_t kind, connkit_bytes body, connkit_buffer *out) {
    if (kind != CONNKIT_KIND_SOURCE_CONFIG) return CONNKIT_STATUS_UNSUPPORTED_KIND;
    if (body.len == 0) {
        return answer("[{\"severity\":\"error\",\"code\":\"{{name}}.empty\","
                      "\"message\":\"the source-config is empty\"}]",
                      out);
    }
    /* Add your rules here: a finding may carry "line" and "column" (1-based). */
    return answer("[]", out);
}

static void release(connkit_buffer buf) { free(buf.ptr); }

static const connkit_validator_v1_vtable VTABLE = {
    sizeof(connkit_validator_v1_vtable), CONNKIT_ABI_VERSION, info, validate, release,
};

const connkit_validator_v1_vtable *connkit_validator_v1(void) { return &VTABLE; }
