/** Escape sequences the screen writes to the terminal itself (ink draws everything else). */
export const ENTER_ALT = '\x1b[?1049h\x1b[H';
export const LEAVE_ALT = '\x1b[?1049l';
export const CLEAR = '\x1b[2J\x1b[H';
export const SHOW_CURSOR = '\x1b[?25h';
export const HIDE_CURSOR = '\x1b[?25l';
