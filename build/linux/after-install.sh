#!/bin/sh
# Serial devices belong to the dialout group on Debian and Ubuntu. Add the user who
# installed Revtel with sudo; otherwise say how.
set -e
if [ -n "${SUDO_USER:-}" ] && [ "$SUDO_USER" != root ] && getent group dialout >/dev/null; then
  if ! id -nG "$SUDO_USER" | grep -qw dialout; then
    usermod -aG dialout "$SUDO_USER"
    echo "Revtel: added $SUDO_USER to the dialout group for serial ports; log out and in again for it to take effect."
  fi
else
  echo "Revtel: to use serial ports, add yourself to the dialout group: sudo usermod -aG dialout \$USER (then log out and in)."
fi
