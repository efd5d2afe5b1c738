#ifndef FARSIDE_SUPPORT_H
#define FARSIDE_SUPPORT_H

/// Process-wide registry of paths to remove when the process is interrupted (SIGINT, SIGTERM, SIGHUP) or
/// crashes (SIGILL, SIGTRAP, SIGABRT, SIGSEGV, SIGBUS, SIGFPE): temporary files and lock files are
/// unlinked, folders the run created are removed with rmdir (so only when empty), in the signal handler,
/// which uses only async-signal-safe calls (unlink, rmdir, _exit, sigaction, raise).

/// Registers a file to unlink on a signal. Returns a slot for `farside_cleanup_forget`, or -1 when the
/// registry is full (the file is then only swept by a later run).
int farside_cleanup_add_file(const char *path);

/// Registers a folder to rmdir on a signal (after every file). Returns a slot, or -1.
int farside_cleanup_add_directory(const char *path);

/// Forgets a slot returned by `farside_cleanup_add_file` / `farside_cleanup_add_directory` (the path
/// was renamed into place, removed, or is no longer ours). Negative slots are ignored.
void farside_cleanup_forget(int slot);

/// Installs the handlers (idempotent). Termination signals exit with status 128 + signal number after
/// the clean-up; crash signals clean up and are then re-raised to the previous disposition (default: a
/// core dump, or the Swift runtime's backtracer).
void farside_install_signal_handlers(void);

/// While a set of outputs is being renamed into place, termination signals are held: they take effect
/// at `farside_publish_end` (so a set is never half published by SIGINT/SIGTERM).
void farside_publish_begin(void);
void farside_publish_end(void);

/// Runs the clean-up now (what the handlers do), for tests.
void farside_cleanup_run(void);

#endif
