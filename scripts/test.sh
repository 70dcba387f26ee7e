#!/usr/bin/env bash
# Runs doppel's tests: installs what is missing, builds with warnings as
# errors, and runs ctest. With --sanitize it builds into build-asan/ with
# AddressSanitizer and UndefinedBehaviorSanitizer and runs the tests there.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
if [ "${1:-}" = "--sanitize" ]; then
  BUILD_DIR=build-asan scripts/build.sh -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDOPPEL_SANITIZE=ON
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  cd build-asan
else
  scripts/build.sh
  cd build
fi
ctest --output-on-failure -j"$(nproc)"
