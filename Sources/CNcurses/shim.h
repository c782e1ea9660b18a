#ifndef EAGLEHURST_CNCURSES_SHIM_H
#define EAGLEHURST_CNCURSES_SHIM_H
#define _XOPEN_SOURCE_EXTENDED 1
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <langinfo.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>
#if __has_include(<ncursesw/ncurses.h>)
#include <ncursesw/ncurses.h>
#else
#include <ncurses.h>
#endif

/* Macros and globals that Swift 6 cannot import or calls unsafe: inline accessors. */
static inline WINDOW *eh_stdscr(void) { return stdscr; }
static inline int eh_lines(void) { return LINES; }
static inline int eh_cols(void) { return COLS; }
static inline int eh_colors(void) { return COLORS; }
static inline int eh_color_pairs(void) { return COLOR_PAIRS; }
static inline attr_t eh_a_normal(void) { return A_NORMAL; }
static inline attr_t eh_a_bold(void) { return A_BOLD; }
static inline attr_t eh_a_underline(void) { return A_UNDERLINE; }
static inline attr_t eh_a_reverse(void) { return A_REVERSE; }
static inline attr_t eh_a_dim(void) { return A_DIM; }
static inline attr_t eh_a_italic(void) { return A_ITALIC; }
static inline int eh_key_resize(void) { return KEY_RESIZE; }
static inline int eh_key_code_yes(void) { return KEY_CODE_YES; }
static inline int eh_key_f(int n) { return KEY_F(n); }
static inline int eh_err(void) { return ERR; }
static inline int eh_getmaxy(WINDOW *w) { return getmaxy(w); }
static inline int eh_getmaxx(WINDOW *w) { return getmaxx(w); }
static inline int eh_setlocale_all(void) { return setlocale(LC_ALL, "") != NULL; }

/* Wide characters need a UTF-8 locale. Take the user's; when that is not UTF-8 (LANG unset gives "C"),
   fall back to C.UTF-8, the one UTF-8 locale every glibc system has. Returns 1 when UTF-8 is active. */
static inline int eh_ensure_utf8_locale(void) {
    setlocale(LC_ALL, "");
    const char *codeset = nl_langinfo(CODESET);
    if (codeset != NULL && strcmp(codeset, "UTF-8") == 0) { return 1; }
    if (setlocale(LC_CTYPE, "C.UTF-8") != NULL || setlocale(LC_CTYPE, "C.utf8") != NULL) {
        codeset = nl_langinfo(CODESET);
        return codeset != NULL && strcmp(codeset, "UTF-8") == 0;
    }
    return 0;
}

/* Draws a NUL-terminated wide string at (y, x) with attributes and an extended colour pair. */
static inline int eh_draw(int y, int x, const wchar_t *text, attr_t attrs, int pair) {
    wattr_set(stdscr, attrs, (short)(pair > 32767 ? 0 : pair), pair > 32767 ? &pair : NULL);
    return mvaddwstr(y, x, text);
}

/* Reads one wide key; *is_function is set when the value is a KEY_* code. Returns 0, or -1 on timeout. */
static inline int eh_read_key(wint_t *key, int *is_function) {
    int result = get_wch(key);
    if (result == ERR) { return -1; }
    *is_function = (result == KEY_CODE_YES);
    return 0;
}

/* What endwin would send to leave full-screen mode, from terminfo: keypad off, attributes off, cursor
   on, alternate screen off. A crash handler writes these bytes, since it may not call ncurses. */
static inline size_t eh_exit_sequence(char *buffer, size_t capacity) {
    const char *names[] = { "rmkx", "sgr0", "cnorm", "rmcup" };
    size_t used = 0;
    for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        const char *value = tigetstr(names[i]);
        if (value == NULL || value == (const char *)-1) { continue; }
        size_t length = strlen(value);
        if (used + length > capacity) { break; }
        memcpy(buffer + used, value, length);
        used += length;
    }
    return used;
}
#endif
