# An independent TOTP implementation for the tests (sourced, not run):
# pyotp, installed from PyPI into target/totp-venv on first use. The
# integration tests generate their codes with it (tests/api/totp.rs), so
# the server's RFC 6238 code is checked against someone else's.
# Needs pg.sh's log/die.

PYOTP_VERSION=2.9.0

totp_install() {
    local venv="$PWD/target/totp-venv"
    if ! "$venv/bin/python" -c "import pyotp" >/dev/null 2>&1; then
        log "installing pyotp $PYOTP_VERSION into target/totp-venv (once)"
        python3 -m venv "$venv" >/dev/null || die "python3 -m venv failed (Debian: apt-get install python3-venv)"
        "$venv/bin/pip" install -q "pyotp==$PYOTP_VERSION" || die "pip install pyotp failed"
    fi
    export MINUTES_TEST_TOTP_PYTHON="$venv/bin/python"
}
