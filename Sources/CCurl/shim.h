#ifndef EAGLEHURST_CCURL_SHIM_H
#define EAGLEHURST_CCURL_SHIM_H
#include <curl/curl.h>
#include <errno.h>

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

/* Why a transfer failed, named once for every libcurl user (the HTTP transport and the SMTP sender),
   so both tell a refused connection, a timeout, a bad host name and TLS apart in the same way.
   os_errno is CURLINFO_OS_ERRNO; reply_code is CURLINFO_RESPONSE_CODE (0 when none arrived). */
typedef enum __attribute__((enum_extensibility(closed))) eh_curl_cause {
    eh_curl_cause_other,
    eh_curl_cause_connectionRefused,
    eh_curl_cause_timedOut,
    eh_curl_cause_unresolvedHost,
    eh_curl_cause_tls,
    eh_curl_cause_loginDenied,
    eh_curl_cause_errorReply
} eh_curl_cause;

static inline eh_curl_cause eh_curl_failure_cause(CURLcode code, long os_errno, long reply_code) {
    switch (code) {
    case CURLE_COULDNT_CONNECT: return os_errno == ECONNREFUSED ? eh_curl_cause_connectionRefused : eh_curl_cause_other;
    case CURLE_OPERATION_TIMEDOUT: return eh_curl_cause_timedOut;
    case CURLE_COULDNT_RESOLVE_HOST: return eh_curl_cause_unresolvedHost;
    case CURLE_LOGIN_DENIED: return eh_curl_cause_loginDenied;
    case CURLE_SSL_CONNECT_ERROR: case CURLE_PEER_FAILED_VERIFICATION: case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER: case CURLE_SSL_CACERT_BADFILE: case CURLE_SSL_CRL_BADFILE: case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH: case CURLE_SSL_INVALIDCERTSTATUS: case CURLE_SSL_CLIENTCERT:
    case CURLE_SSL_ENGINE_NOTFOUND: case CURLE_SSL_ENGINE_SETFAILED: case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_USE_SSL_FAILED:
        return eh_curl_cause_tls;
    case CURLE_SEND_ERROR: case CURLE_WEIRD_SERVER_REPLY:
        return reply_code >= 400 ? eh_curl_cause_errorReply : eh_curl_cause_other;
    default: return eh_curl_cause_other;
    }
}
#endif
