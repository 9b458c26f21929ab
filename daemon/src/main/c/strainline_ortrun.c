/*
 * Calls into ONNX Runtime's C API (struct OrtApi, a table of function pointers) for the CPU
 * engine, so that a run passes only primitive values from Java (JNA direct mapping) and builds
 * no Java objects. The table's order is part of ONNX Runtime's ABI: entries are only ever
 * appended, so the indices below hold for every version since 1.0 (onnxruntime_c_api.h):
 *   2  GetErrorMessage(const OrtStatus*) -> const char*
 *   9  Run(OrtSession*, const OrtRunOptions*, const char* const* input_names,
 *          const OrtValue* const* inputs, size_t input_len, const char* const* output_names,
 *          size_t output_names_len, OrtValue** outputs) -> OrtStatus* (NULL on success)
 *  93  ReleaseStatus(OrtStatus*)
 * Every pointer travels as a 64-bit integer; the OrtApi pointer is the one ONNX Runtime's Java
 * binding obtained from OrtGetApiBase()->GetApi().
 */
#include <stddef.h>
#include <stdint.h>

typedef void *(*ort_run_fn)(void *, const void *, const char *const *, const void *const *, size_t,
                            const char *const *, size_t, void **);
typedef const char *(*ort_message_fn)(const void *);
typedef void (*ort_release_fn)(void *);

static void *entry(int64_t api, int index) {
    return ((void *const *)(intptr_t)api)[index];
}

int64_t strainline_ort_run(int64_t api, int64_t session, int64_t input_names, int64_t inputs, int64_t input_len,
                           int64_t output_names, int64_t output_len, int64_t outputs) {
    ort_run_fn run = (ort_run_fn)entry(api, 9);
    return (int64_t)(intptr_t)run((void *)(intptr_t)session, NULL, (const char *const *)(intptr_t)input_names,
                                  (const void *const *)(intptr_t)inputs, (size_t)input_len,
                                  (const char *const *)(intptr_t)output_names, (size_t)output_len,
                                  (void **)(intptr_t)outputs);
}

int64_t strainline_ort_error_message(int64_t api, int64_t status) {
    ort_message_fn message = (ort_message_fn)entry(api, 2);
    return (int64_t)(intptr_t)message((const void *)(intptr_t)status);
}

void strainline_ort_release_status(int64_t api, int64_t status) {
    ort_release_fn release = (ort_release_fn)entry(api, 93);
    release((void *)(intptr_t)status);
}
