/*
 * sipe_peer: pidgin-sipe's own MSNFTP code (the encrypted OCS dialect, MSN_SECURE_FTP) as a test peer.
 *
 * It loads libsipe.so from the Debian package pidgin-sipe and calls its sipe_ft_tftp_* functions on a TCP
 * connection of its own, without SIP, Pidgin or a user interface. camel-msnftp's tests build it with gcc and run it
 * in either role:
 *
 *   sipe_peer receive --connect HOST:PORT --size N --out FILE  [common options]
 *       sipe is the receiver: it connects to our sender and writes what it received to FILE
 *   sipe_peer send --listen PORT --in FILE  [common options]
 *       sipe is the sender: it listens on 127.0.0.1:PORT (prints "LISTENING PORT"), our receiver connects
 *
 *   common options: --libsipe PATH  --encryption-key BASE64  --hash-key BASE64  --auth-cookie N
 *                   --sipe-user USER (sipe's own address, sent in its USR line when it receives)
 *                   --peer-uri URI   (the other side, sip:...; as sender sipe expects USR <URI without sip:> N)
 *
 * Exit status: 0 when sipe reported success (its MAC check as receiver, the receiver's BYE as sender), 2 when it
 * reported a failure, 1 for a usage or setup error. Where sipe gives up it may call libpurple's user-interface hooks,
 * which are not provided here, and the process ends by a signal instead: any status but 0 is a failure.
 *
 * What libsipe needs, read from pidgin-sipe 1.25's sources (x86_64):
 *  - struct sipe_file_transfer_private: the public struct (64 bytes, its first member the backend's private
 *    pointer, for the purple backend a PurpleXfer), then the core, the 24-byte Encryption-Key and Hash-Key, the
 *    AuthCookie and the SIP dialog (see struct ft_private below);
 *  - the core's username (sent in USR when sipe receives) at offset 80 of struct sipe_core_private;
 *  - the dialog's peer URI ("with", first member of struct sip_dialog), compared with USR when sipe sends;
 *  - the purple backend reads and writes the PurpleXfer's fd, which must be non-blocking (sipe reads before each
 *    block it writes, to see a CCL), and looks at its status when it is freed.
 * The PurpleXfer layout differs between libpurple builds, so the offsets of its fd and status are found at run time,
 * by asking libpurple's own accessors about a block of known contents.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#define KEY_LENGTH 24
#define WAIT_MS 10000          /* the longest we wait for the socket at any one time */
#define RUN_LIMIT_SECONDS 120  /* the whole run, so that a stuck peer cannot hang a test */
#define PURPLE_XFER_STATUS_DONE 4

/* pidgin-sipe 1.25, struct sipe_file_transfer_private (x86_64) */
struct ft_private {
    void *backend_private;         /* public.backend_private: our PurpleXfer */
    void *public_callbacks[7];     /* the rest of struct sipe_file_transfer: not used on this path */
    void *core;                    /* struct sipe_core_private * */
    int peer_using_nat;
    unsigned short port;
    unsigned char encryption_key[KEY_LENGTH];
    unsigned char hash_key[KEY_LENGTH];
    unsigned auth_cookie;
    char *invitation_cookie;
    void *dialog;                  /* struct sip_dialog * */
    void *cipher_context;
    void *hmac_context;
    size_t bytes_remaining_chunk;
    unsigned char *encrypted_outbuf;
    unsigned char *outbuf_ptr;
    size_t outbuf_size;
    void *listendata;
};

_Static_assert(offsetof(struct ft_private, core) == 64, "sipe_private follows the 64-byte public part");
_Static_assert(offsetof(struct ft_private, encryption_key) == 78, "encryption_key");
_Static_assert(offsetof(struct ft_private, hash_key) == 102, "hash_key");
_Static_assert(offsetof(struct ft_private, auth_cookie) == 128, "auth_cookie");
_Static_assert(offsetof(struct ft_private, dialog) == 144, "dialog");

/* the parts of struct sipe_core_private and struct sip_dialog that the MSNFTP code reads */
struct core_private {
    unsigned char before_username[80];
    char *username;
};

struct sip_dialog {
    char *with;
};

/* libsipe's MSNFTP entry points, and what else we take from glib and libpurple */
struct sipe_api {
    void (*crypto_init)(int production_mode);
    void (*start_receiving)(void *ft, size_t total_size);
    ssize_t (*read)(void *ft, unsigned char **buffer, size_t bytes_remaining, size_t bytes_available);
    int (*stop_receiving)(void *ft);
    void (*start_sending)(void *ft, size_t total_size);
    ssize_t (*write)(void *ft, const unsigned char *buffer, size_t size);
    int (*stop_sending)(void *ft);
    void *(*g_malloc0)(size_t size);
    void (*g_free)(void *memory);
    int (*xfer_local_port)(void *xfer);
    int (*xfer_remote_port)(void *xfer);
    int (*xfer_status)(void *xfer);
};

struct options {
    const char *role;
    const char *libsipe;
    const char *connect_to;
    int listen_port;
    long long size;
    const char *file;
    unsigned char encryption_key[KEY_LENGTH];
    unsigned char hash_key[KEY_LENGTH];
    int have_encryption_key;
    int have_hash_key;
    unsigned auth_cookie;
    const char *sipe_user;
    const char *peer_uri;
};

static void usage(void) {
    fprintf(stderr, "usage: sipe_peer receive --connect HOST:PORT --size N --out FILE [common options]\n"
                    "       sipe_peer send --listen PORT --in FILE [common options]\n"
                    "common: --libsipe PATH --encryption-key B64 --hash-key B64 --auth-cookie N --sipe-user USER"
                    " --peer-uri URI\n");
    exit(1);
}

static void fail_setup(const char *what, const char *detail) {
    fprintf(stderr, "sipe_peer: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    exit(1);
}

static int base64_value(int c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

/* Decodes exactly KEY_LENGTH bytes of base64 into key, or fails. */
static void decode_key(const char *text, unsigned char key[KEY_LENGTH], const char *name) {
    size_t length = 0;
    unsigned bits = 0;
    int count = 0;
    for (const char *p = text; *p && *p != '='; p++) {
        int value = base64_value((unsigned char) *p);
        if (value < 0) fail_setup("not base64", name);
        bits = (bits << 6) | (unsigned) value;
        count += 6;
        if (count >= 8) {
            count -= 8;
            if (length == KEY_LENGTH) fail_setup("key longer than 24 bytes", name);
            key[length++] = (unsigned char) (bits >> count);
        }
    }
    if (length != KEY_LENGTH) fail_setup("key shorter than 24 bytes", name);
}

static struct options parse(int argc, char **argv) {
    struct options o;
    memset(&o, 0, sizeof o);
    o.size = -1;
    o.listen_port = -1;
    if (argc < 2) usage();
    o.role = argv[1];
    for (int i = 2; i < argc; i++) {
        const char *name = argv[i];
        if (i + 1 >= argc) usage();
        const char *value = argv[++i];
        if (!strcmp(name, "--libsipe")) o.libsipe = value;
        else if (!strcmp(name, "--connect")) o.connect_to = value;
        else if (!strcmp(name, "--listen")) o.listen_port = atoi(value);
        else if (!strcmp(name, "--size")) o.size = atoll(value);
        else if (!strcmp(name, "--out") || !strcmp(name, "--in")) o.file = value;
        else if (!strcmp(name, "--encryption-key")) { decode_key(value, o.encryption_key, name); o.have_encryption_key = 1; }
        else if (!strcmp(name, "--hash-key")) { decode_key(value, o.hash_key, name); o.have_hash_key = 1; }
        else if (!strcmp(name, "--auth-cookie")) o.auth_cookie = (unsigned) strtoul(value, NULL, 10);
        else if (!strcmp(name, "--sipe-user")) o.sipe_user = value;
        else if (!strcmp(name, "--peer-uri")) o.peer_uri = value;
        else usage();
    }
    int receiving = !strcmp(o.role, "receive");
    int sending = !strcmp(o.role, "send");
    if ((!receiving && !sending) || !o.libsipe || !o.file || !o.have_encryption_key || !o.have_hash_key
        || !o.sipe_user || !o.peer_uri || (receiving && (!o.connect_to || o.size < 0))
        || (sending && o.listen_port < 0)) {
        usage();
    }
    if (strncmp(o.peer_uri, "sip:", 4) != 0) fail_setup("--peer-uri must start with sip:", o.peer_uri);
    return o;
}

static void *symbol(void *library, const char *name) {
    void *address = dlsym(library, name);
    if (!address) fail_setup("missing symbol", name);
    return address;
}

static struct sipe_api load(const char *libsipe) {
    /* libsipe resolves libpurple's and glib's symbols globally: load those first, RTLD_GLOBAL */
    void *glib = dlopen("libglib-2.0.so.0", RTLD_NOW | RTLD_GLOBAL);
    void *purple = glib ? dlopen("libpurple.so.0", RTLD_NOW | RTLD_GLOBAL) : NULL;
    void *sipe = purple ? dlopen(libsipe, RTLD_NOW | RTLD_GLOBAL) : NULL;
    if (!sipe) fail_setup("cannot load libraries", dlerror());
    struct sipe_api api;
    *(void **) &api.crypto_init = symbol(sipe, "sipe_crypto_init");
    *(void **) &api.start_receiving = symbol(sipe, "sipe_ft_tftp_start_receiving");
    *(void **) &api.read = symbol(sipe, "sipe_ft_tftp_read");
    *(void **) &api.stop_receiving = symbol(sipe, "sipe_ft_tftp_stop_receiving");
    *(void **) &api.start_sending = symbol(sipe, "sipe_ft_tftp_start_sending");
    *(void **) &api.write = symbol(sipe, "sipe_ft_tftp_write");
    *(void **) &api.stop_sending = symbol(sipe, "sipe_ft_tftp_stop_sending");
    *(void **) &api.g_malloc0 = symbol(glib, "g_malloc0");
    *(void **) &api.g_free = symbol(glib, "g_free");
    *(void **) &api.xfer_local_port = symbol(purple, "purple_xfer_get_local_port");
    *(void **) &api.xfer_remote_port = symbol(purple, "purple_xfer_get_remote_port");
    *(void **) &api.xfer_status = symbol(purple, "purple_xfer_get_status");
    return api;
}

/*
 * Where an int member of PurpleXfer lies: fill a block with the number of each int slot, hand it to libpurple's
 * accessor as if it were a PurpleXfer, and the accessor answers with the slot it reads.
 */
static size_t int_member_offset(int (*accessor)(void *)) {
    int block[256];
    for (int i = 0; i < 256; i++) block[i] = 7000 + i;
    int slot = accessor(block) - 7000;
    if (slot < 0 || slot >= 256) fail_setup("cannot find a PurpleXfer member", NULL);
    return (size_t) slot * sizeof(int);
}

/* The file transfer structure libsipe works on, for a connected socket. */
static struct ft_private *file_transfer(const struct sipe_api *api, const struct options *o, int fd) {
    size_t local_port = int_member_offset(api->xfer_local_port);
    size_t remote_port = int_member_offset(api->xfer_remote_port);
    if (remote_port != local_port + sizeof(int)) fail_setup("unexpected PurpleXfer layout", NULL);
    size_t fd_offset = remote_port + sizeof(int);       /* int local_port, remote_port, fd: in that order */
    size_t status_offset = int_member_offset(api->xfer_status);

    unsigned char *xfer = api->g_malloc0(1024);
    *(int *) (xfer + fd_offset) = fd;
    *(int *) (xfer + status_offset) = PURPLE_XFER_STATUS_DONE;

    struct core_private *core = api->g_malloc0(1024);
    core->username = strdup(o->sipe_user);
    struct sip_dialog *dialog = api->g_malloc0(256);
    dialog->with = strdup(o->peer_uri);

    struct ft_private *ft = api->g_malloc0(512);
    ft->backend_private = xfer;
    ft->core = core;
    memcpy(ft->encryption_key, o->encryption_key, KEY_LENGTH);
    memcpy(ft->hash_key, o->hash_key, KEY_LENGTH);
    ft->auth_cookie = o->auth_cookie;
    ft->dialog = dialog;
    return ft;
}

static void make_non_blocking(int fd) {
    int flags = fcntl(fd, F_GETFL, 0);
    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) fail_setup("fcntl", strerror(errno));
}

/* Waits until fd is ready for events, at most WAIT_MS; returns 0 when it did not get ready. */
static int await_socket(int fd, short events) {
    struct pollfd p = { .fd = fd, .events = events };
    int ready;
    do {
        ready = poll(&p, 1, WAIT_MS);
    } while (ready < 0 && errno == EINTR);
    return ready > 0;
}

static int connect_to(const char *host_port) {
    char host[256];
    const char *colon = strrchr(host_port, ':');
    if (!colon || (size_t) (colon - host_port) >= sizeof host) fail_setup("--connect wants HOST:PORT", host_port);
    memcpy(host, host_port, (size_t) (colon - host_port));
    host[colon - host_port] = '\0';
    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICHOST };
    struct addrinfo *found;
    if (getaddrinfo(host, colon + 1, &hints, &found) != 0) fail_setup("bad address", host_port);
    int fd = socket(found->ai_family, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, found->ai_addr, found->ai_addrlen) != 0) fail_setup("cannot connect", strerror(errno));
    freeaddrinfo(found);
    return fd;
}

static int accept_one(int port) {
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    int yes = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons((unsigned short) port) };
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(listener, (struct sockaddr *) &address, sizeof address) != 0 || listen(listener, 1) != 0) {
        fail_setup("cannot listen", strerror(errno));
    }
    printf("LISTENING %d\n", port);
    fflush(stdout);
    int fd = accept(listener, NULL, NULL);
    if (fd < 0) fail_setup("accept", strerror(errno));
    close(listener);
    return fd;
}

/* sipe receives: handshake as the receiver, then blocks until size bytes came, then BYE and its MAC check. */
static int receive(const struct sipe_api *api, const struct options *o) {
    FILE *out = fopen(o->file, "wb");
    if (!out) fail_setup("cannot write", o->file);
    int fd = connect_to(o->connect_to);
    make_non_blocking(fd);
    struct ft_private *ft = file_transfer(api, o, fd);

    api->start_receiving(ft, (size_t) o->size);
    long long received = 0;
    while (received < o->size) {
        unsigned char *data = NULL;
        ssize_t n = api->read(ft, &data, (size_t) (o->size - received), 65536);
        if (n < 0) {
            printf("sipe: reading failed after %lld of %lld bytes\n", received, o->size);
            return 2;
        }
        if (n > 0 && fwrite(data, 1, (size_t) n, out) != (size_t) n) fail_setup("cannot write", o->file);
        if (data) api->g_free(data);
        received += n;
        if (n == 0 && !await_socket(fd, POLLIN)) {
            printf("sipe: nothing came for %d ms after %lld bytes\n", WAIT_MS, received);
            return 2;
        }
    }
    fclose(out);
    int mac_ok = api->stop_receiving(ft);
    printf("sipe: received %lld bytes; its MAC check %s\n", received, mac_ok ? "passed" : "failed");
    return mac_ok ? 0 : 2;
}

/* sipe sends: handshake as the sender (checks our USR), streams the file in blocks, then waits for BYE and MACs. */
static int send_file(const struct sipe_api *api, const struct options *o) {
    FILE *in = fopen(o->file, "rb");
    if (!in) fail_setup("cannot read", o->file);
    fseek(in, 0, SEEK_END);
    long long size = ftell(in);
    fseek(in, 0, SEEK_SET);
    int fd = accept_one(o->listen_port);
    make_non_blocking(fd);
    struct ft_private *ft = file_transfer(api, o, fd);

    api->start_sending(ft, (size_t) size);
    unsigned char chunk[65536];
    long long sent = 0;
    while (sent < size) {
        size_t length = fread(chunk, 1, sizeof chunk, in);
        if (length == 0) fail_setup("cannot read", o->file);
        size_t offset = 0;
        while (offset < length) {
            ssize_t n = api->write(ft, chunk + offset, length - offset);
            if (n < 0) {
                printf("sipe: writing failed (or the receiver cancelled) after %lld of %lld bytes\n", sent, size);
                return 2;
            }
            offset += (size_t) n;
            sent += n;
            if (n == 0 && !await_socket(fd, POLLOUT)) {
                printf("sipe: the receiver took nothing for %d ms after %lld bytes\n", WAIT_MS, sent);
                return 2;
            }
        }
    }
    fclose(in);
    int bye_ok = api->stop_sending(ft);
    printf("sipe: sent %lld bytes; BYE and MAC %s\n", sent, bye_ok ? "done" : "failed");
    return bye_ok ? 0 : 2;
}

int main(int argc, char **argv) {
    struct options o = parse(argc, argv);
    signal(SIGPIPE, SIG_IGN);
    alarm(RUN_LIMIT_SECONDS);
    struct sipe_api api = load(o.libsipe);
    api.crypto_init(1);
    return !strcmp(o.role, "receive") ? receive(&api, &o) : send_file(&api, &o);
}
