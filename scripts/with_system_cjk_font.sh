#!/bin/sh
# Run a command as if the machine had Chinese system fonts installed (as Debian's fonts-noto-cjk does), privately:
# in a mount namespace of its own, the font files of FONT_DIR are laid over /usr/share/fonts, where pdfium,
# fontconfig and matplotlib look for system fonts. Nothing outside the command sees them; nothing is installed.
#
#   scripts/with_system_cjk_font.sh FONT_DIR command args...
#   make test-system-fonts          # the whole test suite so
#
# Matplotlib caches its font list: the command gets a fresh MPLCONFIGDIR (and fontconfig cache) so that it sees
# the new fonts as a freshly set-up machine would. Needs unshare(1) and user namespaces (exit 3 when unavailable).
set -eu
fonts=$(cd "$1" && pwd)
shift
if ! unshare --mount --map-root-user true 2>/dev/null; then
    echo "with_system_cjk_font: no private mount namespace here (unshare --mount --map-root-user failed)" >&2
    exit 3
fi
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
# REVIEWFIGS_SYSTEM_FONTS tells tests/test_system_fonts.py that "without" is not to be had in here.
MPLCONFIGDIR="$scratch/matplotlib" XDG_CACHE_HOME="$scratch/cache" REVIEWFIGS_SYSTEM_FONTS="$fonts" \
    unshare --mount --map-root-user sh -c '
        fonts=$1; shift
        mount -t overlay overlay -o "lowerdir=$fonts:/usr/share/fonts" /usr/share/fonts 2>/dev/null \
            || mount --bind "$fonts" /usr/local/share/fonts \
            || { echo "with_system_cjk_font: cannot lay $fonts over the system font folders" >&2; exit 3; }
        exec "$@"' sh "$fonts" "$@"
