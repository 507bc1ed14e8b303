/* flood — opens connections to a daemon's control socket (or a TCP port) at a target rate, for
 * bench/flood_bench.py and tests/integration/test_flood.py.
 *
 *   flood --unix PATH | --tcp ADDR:PORT   --mode MODE --rate N --seconds S
 *         [--uid U --gid G --groups g1,g2]  [--hold N] [--trickle-ms MS] [--max-inflight N]
 *
 * One process, one epoll loop, non-blocking sockets: Python's per-connection cost (about 60 µs of
 * interpreter per connect/send/recv/close) kept a worker under 8,000 connections a second on these
 * two cores while the daemon shares them; this loop needs under 10 µs. With --uid it drops to that
 * user (setgroups, setgid, setuid) before the first connection, so the kernel's peer credentials
 * are that user's.
 *
 * Modes (what each connection does):
 *   status     sends `status`, reads the reply to its end, closes (an allowed or unknown caller)
 *   oversized  announces a 2 GiB request, sends 64 bytes, reads the reply, closes
 *   slow       announces 1,000 bytes, then sends one byte every --trickle-ms; waits for the daemon
 *              to hang up (its lifetime is reported)
 *   idle       connects and sends nothing; waits for the daemon to hang up
 *   noread     sends `status` and never reads; closes when the daemon has hung up
 *   claim      announces the largest request allowed (32 MiB), sends nothing more; waits for the
 *              daemon to hang up
 *   tcp-idle   (TCP) connects and sends nothing (a TLS handshake never started)
 *   tcp-junk   (TCP) sends bytes that are no TLS record, reads to the end, closes
 * slow, idle, noread, claim and tcp-idle keep at most --hold connections open at once (default 64).
 *
 * Prints one JSON object on stdout at the end: counts of each outcome, the rate achieved, and the
 * round trip (connect to last reply byte) of replies read, p50/p99 in milliseconds.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

enum mode { M_STATUS, M_OVERSIZED, M_SLOW, M_IDLE, M_NOREAD, M_CLAIM, M_TCP_IDLE, M_TCP_JUNK };
static const char *mode_names[] = {"status", "oversized", "slow", "idle", "noread", "claim", "tcp-idle", "tcp-junk"};

struct conn {
    int fd;
    double opened;
    double next_trickle;
    int reading;          /* waiting for the reply or the hang-up */
    int got;              /* reply bytes read */
    char head[2048];       /* the reply's first bytes, to classify it */
};

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static int compare(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double quantile(double *v, long n, double q) {
    if (n == 0) return -1;
    long i = (long)(q * (n - 1) + 0.5);
    return v[i];
}

static const char STATUS[] = "{\"version\":1,\"call\":{\"status\":{}}}";

int main(int argc, char **argv) {
    const char *unix_path = NULL, *tcp = NULL, *groups = NULL;
    enum mode mode = M_STATUS;
    double rate = 1000, seconds = 5;
    long uid = -1, gid = -1, hold = 64, max_inflight = 256;
    int trickle_ms = 500;
    for (int i = 1; i + 1 < argc; i += 2) {
        const char *k = argv[i], *v = argv[i + 1];
        if (!strcmp(k, "--unix")) unix_path = v;
        else if (!strcmp(k, "--tcp")) tcp = v;
        else if (!strcmp(k, "--rate")) rate = atof(v);
        else if (!strcmp(k, "--seconds")) seconds = atof(v);
        else if (!strcmp(k, "--uid")) uid = atol(v);
        else if (!strcmp(k, "--gid")) gid = atol(v);
        else if (!strcmp(k, "--groups")) groups = v;
        else if (!strcmp(k, "--hold")) hold = atol(v);
        else if (!strcmp(k, "--trickle-ms")) trickle_ms = atoi(v);
        else if (!strcmp(k, "--max-inflight")) max_inflight = atol(v);
        else if (!strcmp(k, "--mode")) {
            int found = 0;
            for (int m = 0; m <= M_TCP_JUNK; m++)
                if (!strcmp(v, mode_names[m])) { mode = m; found = 1; }
            if (!found) { fprintf(stderr, "flood: unknown mode %s\n", v); return 2; }
        } else { fprintf(stderr, "flood: unknown option %s\n", k); return 2; }
    }
    if (!unix_path == !tcp) { fprintf(stderr, "flood: give --unix PATH or --tcp ADDR:PORT\n"); return 2; }

    struct rlimit limit = {65536, 65536};
    setrlimit(RLIMIT_NOFILE, &limit);
    if (uid >= 0) {
        gid_t list[64];
        int count = 0;
        if (groups && *groups) {
            char *copy = strdup(groups), *save = NULL;
            for (char *t = strtok_r(copy, ",", &save); t && count < 64; t = strtok_r(NULL, ",", &save))
                list[count++] = (gid_t)atol(t);
        }
        if (setgroups(count, list) != 0 || setgid(gid >= 0 ? gid : uid) != 0 || setuid(uid) != 0) {
            perror("flood: dropping to the user");
            return 2;
        }
    }

    struct sockaddr_storage address;
    socklen_t address_length;
    memset(&address, 0, sizeof address);
    if (unix_path) {
        struct sockaddr_un *a = (struct sockaddr_un *)&address;
        a->sun_family = AF_UNIX;
        strncpy(a->sun_path, unix_path, sizeof a->sun_path - 1);
        address_length = sizeof *a;
    } else {
        struct sockaddr_in *a = (struct sockaddr_in *)&address;
        char host[64];
        const char *colon = strrchr(tcp, ':');
        if (!colon || colon - tcp >= (long)sizeof host) { fprintf(stderr, "flood: bad --tcp\n"); return 2; }
        memcpy(host, tcp, colon - tcp);
        host[colon - tcp] = 0;
        a->sin_family = AF_INET;
        a->sin_port = htons((uint16_t)atoi(colon + 1));
        if (inet_pton(AF_INET, host, &a->sin_addr) != 1) { fprintf(stderr, "flood: bad address\n"); return 2; }
        address_length = sizeof *a;
    }

    unsigned char request[64 + sizeof STATUS];
    size_t request_length = 0;
    uint32_t body = sizeof STATUS - 1;
    switch (mode) {
    case M_STATUS: case M_NOREAD:
        request[0] = body >> 24; request[1] = body >> 16; request[2] = body >> 8; request[3] = body;
        memcpy(request + 4, STATUS, body);
        request_length = 4 + body;
        break;
    case M_OVERSIZED:
        request[0] = 0x7F; request[1] = 0xFF; request[2] = 0xFF; request[3] = 0xF0;
        memset(request + 4, '{', 64);
        request_length = 68;
        break;
    case M_CLAIM:
        request[0] = 0x02; request[1] = 0; request[2] = 0; request[3] = 0;        /* 32 MiB */
        request_length = 4;
        break;
    case M_SLOW:
        request[0] = 0; request[1] = 0; request[2] = 0x03; request[3] = 0xE8;  /* 1,000 bytes */
        request_length = 4;
        break;
    case M_TCP_JUNK:
        memcpy(request, "GET / HTTP/1.0\r\n\r\n", 18);   /* plain HTTP to a TLS port */
        request_length = 18;
        break;
    default: break;
    }
    int holding = mode == M_SLOW || mode == M_IDLE || mode == M_NOREAD || mode == M_CLAIM || mode == M_TCP_IDLE;
    long cap = holding ? hold : max_inflight;

    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct conn **table = calloc(65536, sizeof *table);
    long attempts = 0, connected = 0, refused_access = 0, backlog_full = 0, other_errors = 0, ok = 0,
         error_replies = 0, busy = 0, denied = 0, too_large = 0, no_reply = 0, hung_up = 0, still_open = 0,
         inflight = 0;
    long latency_count = 0, lifetime_count = 0;
    double *latencies = malloc(sizeof(double) * 4000000), *lifetimes = malloc(sizeof(double) * 200000);
    double start = now(), end = start + seconds, interval = 1.0 / rate, next_open = start;
    char scratch[65536];

    for (;;) {
        double t = now();
        if (t >= end) break;
        /* Open what the rate asks for since the last turn, up to the cap of connections open. */
        while (next_open <= t && inflight < cap) {
            next_open += interval;
            attempts++;
            /* TCP: a blocking connect (at most a second), so that the first bytes go out after the
             * handshake; a Unix socket connects at once or says EAGAIN (the backlog is full). */
            int fd = socket(unix_path ? AF_UNIX : AF_INET, SOCK_STREAM | SOCK_CLOEXEC | (unix_path ? SOCK_NONBLOCK : 0), 0);
            if (fd < 0) { other_errors++; continue; }
            if (!unix_path) {
                struct timeval second = {1, 0};
                setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &second, sizeof second);
            }
            int result = connect(fd, (struct sockaddr *)&address, address_length);
            if (!unix_path) fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
            if (result != 0 && errno == EINPROGRESS) errno = EAGAIN;
            if (result != 0) {
                if (errno == EACCES || errno == EPERM) refused_access++;
                else if (errno == EAGAIN) backlog_full++;
                else other_errors++;
                close(fd);
                continue;
            }
            connected++;
            struct conn *c = calloc(1, sizeof *c);
            c->fd = fd;
            c->opened = t;
            c->next_trickle = t + trickle_ms / 1000.0;
            if (request_length) (void)send(fd, request, request_length, MSG_NOSIGNAL);
            table[fd] = c;
            inflight++;
            struct epoll_event e = {.events = EPOLLIN | EPOLLRDHUP, .data.fd = fd};
            epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e);
        }
        /* A rate the loop cannot keep is not made up later in a burst. */
        if (next_open < t - 0.05) next_open = t - 0.05;
        if (mode == M_SLOW) {
            for (int fd = 0; fd < 65536; fd++) {
                struct conn *c = table[fd];
                if (c && t >= c->next_trickle) {
                    (void)send(fd, "{", 1, MSG_NOSIGNAL | MSG_DONTWAIT);
                    c->next_trickle = t + trickle_ms / 1000.0;
                }
            }
        }
        double wait = next_open - now();
        int timeout_ms = inflight >= cap ? 5 : (wait > 0 ? (int)(wait * 1000) : 0);
        if (timeout_ms > 5) timeout_ms = 5;
        struct epoll_event events[256];
        int n = epoll_wait(ep, events, 256, timeout_ms);
        for (int i = 0; i < n; i++) {
            int fd = events[i].data.fd;
            struct conn *c = table[fd];
            if (!c) continue;
            int done = 0;
            if (mode == M_NOREAD || mode == M_TCP_IDLE || mode == M_IDLE || mode == M_SLOW || mode == M_CLAIM) {
                if (mode == M_NOREAD) {
                    /* Never reads: only the daemon's hang-up ends it. */
                    if (events[i].events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) done = 1;
                } else {
                    ssize_t got = recv(fd, scratch, sizeof scratch, 0);
                    if (got <= 0 && !(got < 0 && errno == EAGAIN)) done = 1;
                }
                if (done) {
                    hung_up++;
                    if (lifetime_count < 200000) lifetimes[lifetime_count++] = now() - c->opened;
                }
            } else {
                for (;;) {
                    ssize_t got = recv(fd, scratch, sizeof scratch, 0);
                    if (got > 0) {
                        if (c->got < (int)sizeof c->head - 1) {
                            int take = got < (ssize_t)(sizeof c->head - 1 - c->got) ? got : (int)(sizeof c->head - 1 - c->got);
                            memcpy(c->head + c->got, scratch, take);
                        }
                        c->got += got;
                        continue;
                    }
                    if (got < 0 && errno == EAGAIN) break;
                    done = 1;
                    break;
                }
                if (done) {
                    if (c->got < 4) no_reply++;
                    else {
                        c->head[c->got < (int)sizeof c->head ? c->got : (int)sizeof c->head - 1] = 0;
                        const char *json = c->head + 4;
                        if (mode == M_TCP_JUNK) ok++;
                        else if (strstr(json, "\"error\"")) {
                            error_replies++;
                            if (strstr(json, "too many connections")) busy++;
                            else if (strstr(json, "too large")) too_large++;
                            else if (strstr(json, "\"permission") || strstr(json, "denied") || strstr(json, "role")) denied++;
                        } else {
                            ok++;
                            if (latency_count < 4000000) latencies[latency_count++] = (now() - c->opened) * 1000;
                        }
                    }
                }
            }
            if (done) {
                close(fd);
                free(c);
                table[fd] = NULL;
                inflight--;
            }
        }
    }
    for (int fd = 0; fd < 65536; fd++)
        if (table[fd]) { still_open++; close(fd); free(table[fd]); }
    double elapsed = now() - start;
    qsort(latencies, latency_count, sizeof(double), compare);
    qsort(lifetimes, lifetime_count, sizeof(double), compare);
    printf("{\"mode\":\"%s\",\"seconds\":%.3f,\"attempts\":%ld,\"connected\":%ld,\"rate\":%.1f,"
           "\"refused_access\":%ld,\"backlog_full\":%ld,\"other_errors\":%ld,\"ok\":%ld,\"error_replies\":%ld,"
           "\"busy\":%ld,\"denied\":%ld,\"too_large\":%ld,\"no_reply\":%ld,\"hung_up\":%ld,\"still_open\":%ld,"
           "\"reply_ms_p50\":%.3f,\"reply_ms_p99\":%.3f,\"lifetime_s_p50\":%.3f,\"lifetime_s_max\":%.3f}\n",
           mode_names[mode], elapsed, attempts, connected, attempts / elapsed, refused_access, backlog_full,
           other_errors, ok, error_replies, busy, denied, too_large, no_reply, hung_up, still_open,
           quantile(latencies, latency_count, 0.5), quantile(latencies, latency_count, 0.99),
           quantile(lifetimes, lifetime_count, 0.5), lifetime_count ? lifetimes[lifetime_count - 1] : -1.0);
    return 0;
}
