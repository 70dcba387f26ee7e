#!/usr/bin/env bash
# Prints one line about the machine that timings depend on: the kernel,
# the transparent huge page settings, whether free memory is reported to
# a hypervisor (page_reporting_order; reported blocks are taken back by
# the host and cost more to fault in again), the CPU and its cores
# (bench/README.md, "Huge pages, after the first two seconds").
#   bench/host.sh
thp=/sys/kernel/mm/transparent_hugepage
setting() { [ -r "$1" ] && sed -n 's/.*\[\(.*\)\].*/\1/p' "$1" || echo "?"; }
order=$(cat /sys/module/page_reporting/parameters/page_reporting_order 2>/dev/null || echo none)
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -1)
echo "host: kernel $(uname -r), THP enabled=$(setting $thp/enabled) defrag=$(setting $thp/defrag)," \
  "page_reporting_order=$order, ${cpu:-?}, $(nproc) cores"
