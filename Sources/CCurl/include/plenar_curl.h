// libcurl for Swift, loaded on first use.
//
// plenar links no libcurl: loading it (and the TLS, Kerberos and LDAP libraries it pulls in)
// costs about 3 ms at every start, which commands that send nothing (--version, a tokenless
// signal) should not pay. plenar_curl_load() dlopens it when the first request is made.
// curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot call: each option
// type gets a typed wrapper.
//
// No libcurl header is included, so building plenar needs no libcurl development package: the few
// types and numbers used are declared below. They are libcurl's stable ABI (unchanged since 7.x;
// values checked against curl.h of libcurl4-openssl-dev 7.88.1 by printing each constant).
#ifndef PLENAR_CURL_H
#define PLENAR_CURL_H

#include <stddef.h>

typedef void CURL;

struct curl_slist {
    char *data;
    struct curl_slist *next;
};

typedef enum {
    CURLE_OK = 0,
    CURLE_COULDNT_RESOLVE_HOST = 6,
    CURLE_COULDNT_CONNECT = 7,
    CURLE_WRITE_ERROR = 23,
    CURLE_OPERATION_TIMEDOUT = 28,
    CURLE_SSL_CONNECT_ERROR = 35,
    CURLE_SSL_ENGINE_NOTFOUND = 53,
    CURLE_SSL_ENGINE_SETFAILED = 54,
    CURLE_SSL_CERTPROBLEM = 58,
    CURLE_SSL_CIPHER = 59,
    CURLE_PEER_FAILED_VERIFICATION = 60,
    CURLE_USE_SSL_FAILED = 64,
    CURLE_SSL_CACERT_BADFILE = 77,
    CURLE_SSL_CRL_BADFILE = 82,
    CURLE_SSL_ISSUER_ERROR = 83,
    CURLE_SSL_PINNEDPUBKEYNOTMATCH = 90,
    CURLE_SSL_INVALIDCERTSTATUS = 91,
    CURL_LAST_PLACEHOLDER = 0x7fffffff
} CURLcode;

// CURLOPTTYPE_LONG is 0, OBJECTPOINT (strings, lists, data) 10000, FUNCTIONPOINT 20000.
typedef enum {
    CURLOPT_WRITEDATA = 10001,
    CURLOPT_URL = 10002,
    CURLOPT_PROXY = 10004,
    CURLOPT_WRITEFUNCTION = 20011,
    CURLOPT_HTTPHEADER = 10023,
    CURLOPT_HEADERDATA = 10029,
    CURLOPT_CUSTOMREQUEST = 10036,
    CURLOPT_FOLLOWLOCATION = 52,
    CURLOPT_POSTFIELDSIZE = 60,
    CURLOPT_CAINFO = 10065,
    CURLOPT_HEADERFUNCTION = 20079,
    CURLOPT_CAPATH = 10097,
    CURLOPT_NOSIGNAL = 99,
    CURLOPT_TCP_NODELAY = 121,
    CURLOPT_TIMEOUT_MS = 155,
    CURLOPT_COPYPOSTFIELDS = 10165,
    CURLOPT_QUICK_EXIT = 322,
    CURLOPT_LAST_PLACEHOLDER = 0x7fffffff
} CURLoption;

// CURLINFO_LONG is 0x200000.
typedef enum {
    CURLINFO_RESPONSE_CODE = 0x200002,
    CURLINFO_LAST_PLACEHOLDER = 0x7fffffff
} CURLINFO;

// CURL_GLOBAL_SSL | CURL_GLOBAL_WIN32.
#define PLENAR_CURL_GLOBAL_DEFAULT 3L

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
