/* http.c - placeholder until the module lands (issue 5). */
typedef int cc_http_placeholder;
