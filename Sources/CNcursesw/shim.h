#ifndef CNCURSESW_SHIM_H
#define CNCURSESW_SHIM_H
/* Must come before <curses.h>: enables cchar_t, mvaddwstr, wborder_set, get_wch ...
   (SwiftPM strips pkg-config's -D flags, so they are set here.) */
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#include <locale.h>
#include <wchar.h>
#include <ncursesw/curses.h>

/* Swift 6 rejects reads of mutable C globals and can't import function-like macros:
   these accessors are the only way the Console touches them. */
static inline WINDOW *cn_stdscr(void) { return stdscr; }
static inline int cn_lines(void) { return LINES; }
static inline int cn_cols(void) { return COLS; }
static inline int cn_color_pairs(void) { return COLOR_PAIRS; }
static inline int cn_color_pair(int n) { return (int)COLOR_PAIR(n); }
static inline int cn_key_f(int n) { return KEY_F(n); }
static inline attr_t cn_a_normal(void) { return A_NORMAL; }
static inline attr_t cn_a_reverse(void) { return A_REVERSE; }
static inline attr_t cn_a_bold(void) { return A_BOLD; }
static inline attr_t cn_a_underline(void) { return A_UNDERLINE; }
static inline attr_t cn_a_dim(void) { return A_DIM; }
static inline int cn_wattr_on(WINDOW *w, attr_t a) { return wattr_on(w, a, NULL); }
static inline int cn_wattr_off(WINDOW *w, attr_t a) { return wattr_off(w, a, NULL); }
/* getmaxyx/getyx assign to lvalues (not importable); the Console uses getmaxy/getmaxx,
   these are for completeness with SWIFT-NOTES §1. */
static inline void cn_getmaxyx(WINDOW *w, int *y, int *x) { getmaxyx(w, *y, *x); }
static inline void cn_getyx(WINDOW *w, int *y, int *x) { getyx(w, *y, *x); }
/* Sets attributes and colour pair at once (wattr_set's pair argument allows > 255 pairs). */
static inline int cn_wattr_set(WINDOW *w, attr_t a, short pair) { return wattr_set(w, a, pair, NULL); }
/* Restores the terminal if the process exits (exit(), a fatal signal's handler) while
   ncurses still owns it; harmless after endwin(). */
static inline void cn_endwin_if_needed(void) { if (!isendwin()) endwin(); }
/* On a crash (a Swift trap is SIGILL or SIGTRAP, a bad access SIGSEGV/SIGBUS) give the
   terminal back before the previous handler (Swift's backtracer, or the default core dump)
   runs, so the shell is not left in raw mode. Not async-signal-safe in theory; htop does
   the same, and the process is dying anyway. */
#include <signal.h>
#include <string.h>
static inline struct sigaction *cn_previous_crash_actions(void) {
    static struct sigaction actions[NSIG];
    return actions;
}
static inline void cn_crash_handler(int number) {
    if (!isendwin()) endwin();
    sigaction(number, &cn_previous_crash_actions()[number], NULL);
    raise(number);
}
static inline void cn_install_crash_handlers(void) {
    const int numbers[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP };
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = cn_crash_handler;
    sigemptyset(&action.sa_mask);
    for (unsigned i = 0; i < sizeof numbers / sizeof numbers[0]; i++) {
        sigaction(numbers[i], &action, &cn_previous_crash_actions()[numbers[i]]);
    }
}
#endif
