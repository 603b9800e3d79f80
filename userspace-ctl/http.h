/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rstmonctl: the /metrics HTTP server's request handling, shared by
 * metrics --listen (metrics.c) and metrics --listen -A (listenall.c).
 */
#ifndef RM_HTTP_H
#define RM_HTTP_H

#include <stdio.h>
#include <sys/socket.h>
#include <microhttpd.h>

/*
 * One call of libmicrohttpd's access handler: GET or HEAD /metrics runs
 * @expose(@arg) into a buffer and answers 200 with it, or 503 with
 * @unavailable when @expose returns non-zero; other methods get 405 (with
 * Allow), other paths 404; a request body is read and ignored.
 */
enum MHD_Result rm_http_metrics(struct MHD_Connection *conn, const char *url,
				const char *method, size_t *upload_size, void **req,
				int (*expose)(FILE *f, void *arg), void *arg,
				const char *unavailable);

/*
 * The server of metrics --listen on @ss (@listen as the user wrote it, for
 * the error said on stderr), its own thread calling @handle(@arg).
 */
struct MHD_Daemon *rm_http_start(const struct sockaddr_storage *ss, const char *listen,
				 MHD_AccessHandlerCallback handle, void *arg);

#endif
