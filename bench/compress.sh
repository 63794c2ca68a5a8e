#!/usr/bin/env bash
# Compression figures of the README on a corpus of real photographs and graphics: KDE Plasma's
# photographic wallpapers (2560x1600) and its rendered graphics, fetched from Debian as packages
# (apt-get download, unpacked, never installed). Usage: bench/compress.sh [BOX] [TARGET_KB]
set -euo pipefail
cd "$(dirname "$0")/.."
. bin/setup.sh
find_jdk25
ensure_libvips
corpus=${PIXMILL_CORPUS:-target/corpus}
if [ ! -d "$corpus/photos" ]; then
  mkdir -p "$corpus/deb" "$corpus/photos" "$corpus/graphics"
  (cd "$corpus/deb" && apt-get download plasma-workspace-wallpapers >/dev/null && dpkg-deb -x ./*.deb x)
  w="$corpus/deb/x/usr/share/wallpapers"
  for d in Autumn Path FallenLeaf DarkestHour summer_1am EveningGlow Kite ColorfulCups OneStandsOut ColdRipple BytheWater; do
    cp "$w/$d/contents/images/2560x1600.jpg" "$corpus/photos/$d.jpg"
  done
  for d in Altai Kay Patak; do cp "$w/$d/contents/images/1080x1920.png" "$corpus/graphics/$d.png"; done
  for d in Cascade Cluster Canopee Elarun Opal IceCold Flow; do cp "$w/$d/contents/screenshot.png" "$corpus/graphics/$d-shot.png"; done
fi
[ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -B -q package -DskipTests
cp="target/quarkus-app/app/*:target/quarkus-app/lib/main/*:target/quarkus-app/lib/boot/*"
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$cp" bench/CompressBench.java \
  "$corpus/photos" "$corpus/graphics" "${1:-2000}" "${2:-300}"
