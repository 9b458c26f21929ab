#!/bin/sh
# The BBHnet background the daemon's false-alarm rates come from, made the way a host makes it
# from its own data: a daemon run (DeepClean, as online) over data without signals, then
# `strainline background` over the strain it published, with L1 slid against H1.
#
#     models/make_background.sh [SECONDS] [SLIDES]      # defaults 1500 s, 8 slides
#
# Here the data are `strainline simulate` frames without injections, in the environment the
# committed DeepClean models were trained for (environment seed 0). Writes background.json into
# the newest bbhnet version of models/repository.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
sl="$root/bin/strainline"
n=${1:-1500}
slides=${2:-8}
work=${WORK:-/tmp/strainline-background}
start=1410000000
rm -rf "$work"
mkdir -p "$work"
"$sl" simulate --out "$work/frames" --start "$start" --duration "$n" --seed 77 --compression raw
# the demo configuration, reading the recorded frames in place and without the BBHnet stage
sed -e "s#/dev/shm/strainline-demo#$work/frames#g" -e "s#/tmp/strainline-demo/queues#$work/queues#g" \
    -e "s#\.\./models/repository#$root/models/repository#" -e '/^bbhnet:/,$d' -e '/alertQueue:/d' -e '/^  frames:/,/retainSeconds:/d' \
    "$root/config/demo.yaml" > "$work/daemon.yaml"
# DeepClean's output lags its input by one second: the last second out is start + n - 2
"$sl" run --config "$work/daemon.yaml" --until $((start + n - 2))
version=$(ls "$root/models/repository/bbhnet" | sort -n | tail -1)
"$sl" background --strain-queue "$work/queues/strain" --repository "$root/models/repository" \
    --slides "$slides" --out "$root/models/repository/bbhnet/$version/background.json"
