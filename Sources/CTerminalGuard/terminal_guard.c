#include "terminal_guard.h"
#include <signal.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static struct termios saved_modes;
static volatile sig_atomic_t have_saved_modes = 0;
static volatile sig_atomic_t pending_signal = 0;
static char exit_sequence[256];
static volatile sig_atomic_t exit_sequence_length = 0;

static const int quit_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
static const int crash_signals[] = { SIGABRT, SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGFPE };
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Only async-signal-safe calls: write and tcsetattr. */
static void restore_now(void) {
    if (exit_sequence_length > 0) {
        ssize_t ignored = write(STDOUT_FILENO, exit_sequence, (size_t)exit_sequence_length);
        (void)ignored;
    }
    if (have_saved_modes) { tcsetattr(STDIN_FILENO, TCSANOW, &saved_modes); }
}

static void die_of(int sig) {
    restore_now();
    signal(sig, SIG_DFL);
    raise(sig);
}

/* The first quit signal asks the UI loop to stop; it restores the terminal and then exits. A second
   one means the loop could not (an editor holds the terminal, say): restore here and die at once. */
static void on_quit_signal(int sig) {
    if (pending_signal != 0) { die_of(sig); return; }
    pending_signal = sig;
}

static void on_crash_signal(int sig) { die_of(sig); }

void eh_guard_begin(void) {
    pending_signal = 0;
    if (tcgetattr(STDIN_FILENO, &saved_modes) == 0) { have_saved_modes = 1; }
    for (size_t i = 0; i < COUNT(quit_signals); i++) { signal(quit_signals[i], on_quit_signal); }
    for (size_t i = 0; i < COUNT(crash_signals); i++) { signal(crash_signals[i], on_crash_signal); }
}

void eh_guard_set_exit_sequence(const char *bytes, size_t length) {
    if (length >= sizeof(exit_sequence)) { length = sizeof(exit_sequence) - 1; }
    exit_sequence_length = 0;
    memcpy(exit_sequence, bytes, length);
    exit_sequence_length = (sig_atomic_t)length;
}

int eh_guard_pending_signal(void) { return pending_signal; }

void eh_guard_end(void) {
    for (size_t i = 0; i < COUNT(quit_signals); i++) { signal(quit_signals[i], SIG_DFL); }
    for (size_t i = 0; i < COUNT(crash_signals); i++) { signal(crash_signals[i], SIG_DFL); }
    exit_sequence_length = 0;
    have_saved_modes = 0;
}
