#include "plenar_curl.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>

static struct {
    CURLcode (*global_init)(long);
    CURL *(*easy_init)(void);
    void (*easy_cleanup)(CURL *);
    CURLcode (*easy_perform)(CURL *);
    const char *(*easy_strerror)(CURLcode);
    CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
    CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
} curl;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static const char *failure = "libcurl was not loaded";

#define BIND(field, name) \
    if ((*(void **)(&curl.field) = dlsym(library, name)) == NULL) { failure = "libcurl lacks " name; return; }

static void load(void) {
#ifdef __APPLE__
    // macOS ships libcurl in the system's shared cache.
    void *library = dlopen("/usr/lib/libcurl.4.dylib", RTLD_NOW | RTLD_LOCAL);
#else
    void *library = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) library = dlopen("libcurl.so", RTLD_NOW | RTLD_LOCAL);
#endif
    if (library == NULL) {
        failure = "libcurl.so.4 could not be loaded (install the libcurl4 package)";
        return;
    }
    BIND(global_init, "curl_global_init")
    BIND(easy_init, "curl_easy_init")
    BIND(easy_cleanup, "curl_easy_cleanup")
    BIND(easy_perform, "curl_easy_perform")
    BIND(easy_strerror, "curl_easy_strerror")
    BIND(easy_setopt, "curl_easy_setopt")
    BIND(easy_getinfo, "curl_easy_getinfo")
    BIND(slist_append, "curl_slist_append")
    BIND(slist_free_all, "curl_slist_free_all")
    if (curl.global_init(PLENAR_CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        failure = "curl_global_init failed";
        return;
    }
    failure = NULL;
}

const char *plenar_curl_load(void) {
    pthread_once(&once, load);
    return failure;
}

CURL *plenar_curl_easy_init(void) { return curl.easy_init(); }
void plenar_curl_easy_cleanup(CURL *handle) { curl.easy_cleanup(handle); }
CURLcode plenar_curl_easy_perform(CURL *handle) { return curl.easy_perform(handle); }
const char *plenar_curl_easy_strerror(CURLcode code) { return curl.easy_strerror(code); }
struct curl_slist *plenar_curl_slist_append(struct curl_slist *list, const char *text) { return curl.slist_append(list, text); }
void plenar_curl_slist_free_all(struct curl_slist *list) { curl.slist_free_all(list); }

CURLcode plenar_curl_set_long(CURL *handle, CURLoption option, long value) { return curl.easy_setopt(handle, option, value); }
CURLcode plenar_curl_set_string(CURL *handle, CURLoption option, const char *value) { return curl.easy_setopt(handle, option, value); }
CURLcode plenar_curl_set_pointer(CURL *handle, CURLoption option, void *value) { return curl.easy_setopt(handle, option, value); }
CURLcode plenar_curl_set_slist(CURL *handle, CURLoption option, struct curl_slist *value) { return curl.easy_setopt(handle, option, value); }
CURLcode plenar_curl_set_write_callback(CURL *handle, CURLoption option, plenar_curl_write_callback value) { return curl.easy_setopt(handle, option, value); }
CURLcode plenar_curl_get_long(CURL *handle, CURLINFO info, long *value) { return curl.easy_getinfo(handle, info, value); }
