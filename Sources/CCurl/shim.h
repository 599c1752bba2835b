// libcurl for Swift: curl_easy_setopt and curl_easy_getinfo are C variadic functions Swift
// cannot call, so each option type gets a typed inline wrapper.
#ifndef PLENAR_CCURL_SHIM_H
#define PLENAR_CCURL_SHIM_H

#include <curl/curl.h>

typedef size_t (*plenar_curl_write_callback)(char *data, size_t size, size_t count, void *context);

static inline CURLcode plenar_curl_set_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode plenar_curl_set_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode plenar_curl_set_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode plenar_curl_set_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode plenar_curl_set_write_callback(CURL *handle, CURLoption option, plenar_curl_write_callback value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode plenar_curl_get_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

#endif
