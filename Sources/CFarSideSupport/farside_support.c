#include "farside_support.h"

#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/// Slots hold strdup'ed paths. A forgotten path is not freed: a handler on another thread may be reading
/// it at that moment, and a few hundred bytes per output file are not worth the risk.
#define FILE_SLOTS 4096
#define DIRECTORY_SLOTS 256
#define SLOTS (FILE_SLOTS + DIRECTORY_SLOTS)

static _Atomic(char *) slots[SLOTS];
static atomic_int publishing = 0;
static atomic_int pending = 0;
static atomic_int installed = 0;

static const int termination_signals[] = { SIGINT, SIGTERM, SIGHUP };
static const int crash_signals[] = { SIGILL, SIGTRAP, SIGABRT, SIGSEGV, SIGBUS, SIGFPE };
static struct sigaction previous[65];

static int add(const char *path, int first, int end) {
    char *copy = strdup(path);
    if (copy == NULL) return -1;
    for (int i = first; i < end; i++) {
        char *expected = NULL;
        if (atomic_compare_exchange_strong(&slots[i], &expected, copy)) return i;
    }
    free(copy);
    return -1;
}

int farside_cleanup_add_file(const char *path) { return add(path, 0, FILE_SLOTS); }

int farside_cleanup_add_directory(const char *path) { return add(path, FILE_SLOTS, SLOTS); }

void farside_cleanup_forget(int slot) {
    if (slot < 0 || slot >= SLOTS) return;
    atomic_store(&slots[slot], NULL);
}

void farside_cleanup_run(void) {
    for (int i = 0; i < FILE_SLOTS; i++) {
        char *p = atomic_load(&slots[i]);
        if (p != NULL) unlink(p);
    }
    // Folders deepest first: they were registered parent first.
    for (int i = SLOTS - 1; i >= FILE_SLOTS; i--) {
        char *p = atomic_load(&slots[i]);
        if (p != NULL) rmdir(p);
    }
}

static int is_termination(int signo) { return signo == SIGINT || signo == SIGTERM || signo == SIGHUP; }

static void handler(int signo) {
    if (is_termination(signo)) {
        if (atomic_load(&publishing)) {
            int none = 0;
            atomic_compare_exchange_strong(&pending, &none, signo);
            return;
        }
        farside_cleanup_run();
        _exit(128 + signo);
    }
    farside_cleanup_run();
    // Back to what was there before (the default action or the runtime's backtracer) and deliver the
    // signal again: it is blocked inside this handler, so it arrives as soon as the handler returns
    // (a hardware fault would also recur when the faulting instruction runs again).
    sigaction(signo, &previous[signo], NULL);
    raise(signo);
}

void farside_install_signal_handlers(void) {
    int expected = 0;
    if (!atomic_compare_exchange_strong(&installed, &expected, 1)) return;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = handler;
    sigfillset(&action.sa_mask);
    action.sa_flags = SA_ONSTACK;
    for (size_t i = 0; i < sizeof termination_signals / sizeof *termination_signals; i++) {
        int s = termination_signals[i];
        sigaction(s, NULL, &previous[s]);
        // A signal ignored by the parent (nohup, background jobs of some shells) stays ignored.
        if (previous[s].sa_handler == SIG_IGN) continue;
        sigaction(s, &action, NULL);
    }
    for (size_t i = 0; i < sizeof crash_signals / sizeof *crash_signals; i++) {
        int s = crash_signals[i];
        sigaction(s, &action, &previous[s]);
    }
}

void farside_publish_begin(void) { atomic_store(&publishing, 1); }

void farside_publish_end(void) {
    atomic_store(&publishing, 0);
    int signo = atomic_exchange(&pending, 0);
    if (signo != 0) {
        farside_cleanup_run();
        _exit(128 + signo);
    }
}
