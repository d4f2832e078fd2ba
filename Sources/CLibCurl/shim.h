// libcurl for Swift. `curl_easy_setopt` and `curl_easy_getinfo` are C variadics, which
// Swift cannot call: these typed one-line wrappers can be. The header path is relative to
// the module map; pkg-config (libcurl) supplies the include folder.
#include <curl/curl.h>

static inline CURLcode anju_curl_set_long(CURL *curl, CURLoption option, long value) {
    return curl_easy_setopt(curl, option, value);
}
static inline CURLcode anju_curl_set_string(CURL *curl, CURLoption option, const char *value) {
    return curl_easy_setopt(curl, option, value);
}
static inline CURLcode anju_curl_set_pointer(CURL *curl, CURLoption option, void *value) {
    return curl_easy_setopt(curl, option, value);
}
static inline CURLcode anju_curl_set_list(CURL *curl, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(curl, option, value);
}
static inline CURLcode anju_curl_set_large(CURL *curl, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(curl, option, value);
}
// A write callback that drops the response body (libcurl's default writes it to stdout).
static inline size_t anju_curl_discard(char *data, size_t size, size_t count, void *context) {
    (void)data; (void)context;
    return size * count;
}
static inline CURLcode anju_curl_discard_body(CURL *curl) {
    return curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, anju_curl_discard);
}
static inline CURLcode anju_curl_response_code(CURL *curl, long *code) {
    return curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, code);
}
