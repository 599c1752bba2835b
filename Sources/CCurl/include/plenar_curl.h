// libcurl for Swift, loaded on first use.
//
// plenar links no libcurl: loading it (and the TLS, Kerberos and LDAP libraries it pulls in)
// costs about 3 ms at every start, which commands that send nothing (--version, a tokenless
// signal) should not pay. plenar_curl_load() dlopens it when the first request is made.
// curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot call: each option
// type gets a typed wrapper. Only curl.h's types and constants are used from the header.
#ifndef PLENAR_CURL_H
#define PLENAR_CURL_H

#include <curl/curl.h>

typedef size_t (*plenar_curl_write_callback)(char *data, size_t size, size_t count, void *context);

/// Loads libcurl and runs curl_global_init once. Returns NULL on success, else why it failed.
const char *plenar_curl_load(void);

CURL *plenar_curl_easy_init(void);
void plenar_curl_easy_cleanup(CURL *handle);
CURLcode plenar_curl_easy_perform(CURL *handle);
const char *plenar_curl_easy_strerror(CURLcode code);
struct curl_slist *plenar_curl_slist_append(struct curl_slist *list, const char *text);
void plenar_curl_slist_free_all(struct curl_slist *list);

CURLcode plenar_curl_set_long(CURL *handle, CURLoption option, long value);
CURLcode plenar_curl_set_string(CURL *handle, CURLoption option, const char *value);
CURLcode plenar_curl_set_pointer(CURL *handle, CURLoption option, void *value);
CURLcode plenar_curl_set_slist(CURL *handle, CURLoption option, struct curl_slist *value);
CURLcode plenar_curl_set_write_callback(CURL *handle, CURLoption option, plenar_curl_write_callback value);
CURLcode plenar_curl_get_long(CURL *handle, CURLINFO info, long *value);

#endif
