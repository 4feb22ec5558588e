# Shared by scripts/run and scripts/test: install only the Debian packages
# that are missing, as root or through sudo.

# Whether a package is installed now. Not `dpkg -s` alone: it also succeeds
# for a package that was removed but left its config files behind.
package_installed() {
  [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}

# Installs the named packages that are not installed.
ensure_packages() {
  local missing=()
  for pkg in "$@"; do
    if ! package_installed "$pkg"; then
      missing+=("$pkg")
    fi
  done
  if [ ${#missing[@]} -eq 0 ]; then
    return 0
  fi
  echo "Installing missing packages: ${missing[*]}"
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
      sudo="sudo"
    else
      echo "error: need root (or sudo) to install: ${missing[*]}" >&2
      exit 1
    fi
  fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# What building respd needs.
BUILD_PACKAGES=(cmake g++ make ninja-build libjemalloc-dev liblzf-dev)
