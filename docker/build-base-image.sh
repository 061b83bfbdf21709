#!/usr/bin/env bash
# Builds a small JRE base image without any registry: a jlink runtime of this machine's JDK plus the shared
# libraries it links to and a shell for the start script, imported with `docker import`. Laid out like eclipse-temurin (java in
# /opt/java/openjdk/bin), so docker/Dockerfile works with either base.
#
#   docker/build-base-image.sh [IMAGE]        (default IMAGE: customized-lb-jre:17)
set -euo pipefail

image=${1:-customized-lb-jre:17}
# What `jdeps --print-module-deps` lists for the fat jar, plus what Hazelcast loads by reflection (XML configuration,
# JMX and its platform metrics; clustered mode), and EC crypto (TLS).
modules=java.base,java.compiler,java.logging,java.management,java.naming,java.scripting,java.sql,java.xml,\
jdk.crypto.ec,jdk.jfr,jdk.management,jdk.unsupported

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/root
jre=$root/opt/java/openjdk
mkdir -p "$root"/{tmp,etc,usr/bin,bin}
chmod 1777 "$root/tmp"

jlink --add-modules "$modules" --strip-debug --no-man-pages --no-header-files --compress=2 --output "$jre"

# A POSIX shell for the start script (bin/load-balancer): Debian's dash.
cp -L /bin/dash "$root/bin/sh"

# Every shared library the runtime (and the shell) links to, at the same path, with the dynamic loader.
{
  ldd /bin/dash
  ldd "$jre/bin/java"
  find "$jre/lib" -name '*.so' -exec ldd {} \;
} 2>/dev/null | awk '/=> \// { print $3 } /^[[:space:]]*\/[^ ]*ld-linux/ { print $1 }' | sort -u |
  while read -r lib; do
    cp --parents -L "$lib" "$root"
  done

cat > "$root/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
PASSWD
printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group"
printf 'hosts: files dns\n' > "$root/etc/nsswitch.conf"

tar -C "$root" -c . | docker import \
  --change 'ENV JAVA_HOME=/opt/java/openjdk' \
  --change 'ENV PATH=/opt/java/openjdk/bin:/usr/bin:/bin' \
  - "$image" > /dev/null
echo "built $image ($(docker image inspect -f '{{.Size}}' "$image" | awk '{ printf "%.0f MB", $1 / 1e6 }'))"
