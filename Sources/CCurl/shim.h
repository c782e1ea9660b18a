#ifndef EAGLEHURST_CCURL_SHIM_H
#define EAGLEHURST_CCURL_SHIM_H
#include <curl/curl.h>

/* curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot call: typed wrappers. */
static inline CURLcode eh_curl_setopt_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode eh_curl_setopt_string(CURL *h, CURLoption o, const char *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode eh_curl_setopt_ptr(CURL *h, CURLoption o, void *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode eh_curl_setopt_slist(CURL *h, CURLoption o, struct curl_slist *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode eh_curl_setopt_off(CURL *h, CURLoption o, curl_off_t v) { return curl_easy_setopt(h, o, v); }
typedef size_t (*eh_curl_io_callback)(char *ptr, size_t size, size_t nmemb, void *userdata);
static inline CURLcode eh_curl_setopt_writefunction(CURL *h, eh_curl_io_callback f) { return curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, f); }
static inline CURLcode eh_curl_setopt_headerfunction(CURL *h, eh_curl_io_callback f) { return curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, f); }
static inline CURLcode eh_curl_setopt_readfunction(CURL *h, eh_curl_io_callback f) { return curl_easy_setopt(h, CURLOPT_READFUNCTION, f); }
typedef int (*eh_curl_xferinfo_callback)(void *userdata, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow);
static inline CURLcode eh_curl_setopt_xferinfofunction(CURL *h, eh_curl_xferinfo_callback f) { return curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, f); }
static inline CURLcode eh_curl_getinfo_long(CURL *h, CURLINFO i, long *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode eh_curl_getinfo_double(CURL *h, CURLINFO i, double *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode eh_curl_getinfo_string(CURL *h, CURLINFO i, const char **v) { return curl_easy_getinfo(h, i, v); }

/* CURL_GLOBAL_ALL is a macro expression Swift does not import. */
static inline CURLcode eh_curl_global_init_all(void) { return curl_global_init(CURL_GLOBAL_ALL); }
#endif
