#ifndef EAGLEHURST_TERMINAL_GUARD_H
#define EAGLEHURST_TERMINAL_GUARD_H
#include <stddef.h>

/* Gives the terminal back on every way out of the process, before the process can end.
   A C target of its own (not inline functions in a header) because the state below must exist once:
   the signal handlers and the UI thread read the same saved modes and the same pending signal. */

/* Saves the terminal modes of standard input and installs the handlers. Call before initscr. */
void eh_guard_begin(void);

/* The bytes that leave full-screen mode (keypad off, attributes off, cursor on, alternate screen off),
   written by a crash handler, where ncurses itself may not be called. Copied; at most 255 bytes. */
void eh_guard_set_exit_sequence(const char *bytes, size_t length);

/* SIGINT, SIGTERM, SIGHUP or SIGQUIT that asked the UI loop to stop, or 0. The loop stops, the
   terminal is restored in order, and only then does the process exit. */
int eh_guard_pending_signal(void);

/* The terminal has been restored: handlers back to the defaults. */
void eh_guard_end(void);

#endif
