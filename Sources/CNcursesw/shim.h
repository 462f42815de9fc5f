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
static inline int cn_color_pair(int n) { return (int)COLOR_PAIR(n); }
static inline int cn_key_f(int n) { return KEY_F(n); }
static inline attr_t cn_a_normal(void) { return A_NORMAL; }
static inline attr_t cn_a_reverse(void) { return A_REVERSE; }
static inline attr_t cn_a_bold(void) { return A_BOLD; }
static inline attr_t cn_a_underline(void) { return A_UNDERLINE; }
static inline attr_t cn_a_dim(void) { return A_DIM; }
static inline int cn_wattr_on(WINDOW *w, attr_t a) { return wattr_on(w, a, NULL); }
static inline int cn_wattr_off(WINDOW *w, attr_t a) { return wattr_off(w, a, NULL); }
#endif
