#!/usr/bin/env bash
# Builds the application image (balancer and replicas) from the jar Maven built.
#
#   docker/build-image.sh                    base: eclipse-temurin:17-jre (needs a registry)
#   BASE_IMAGE=local docker/build-image.sh   base: built here by docker/build-base-image.sh, no registry
#   docker/build-image.sh --if-docker        as above, but only a note (exit 0) when no Docker engine answers;
#                                            the Maven build uses this before the Docker integration tests
# IMAGE names the result (default customized-lb:latest).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" = "--if-docker" ] && ! docker info > /dev/null 2>&1; then
  echo "docker/build-image.sh: no Docker engine answers; image not built, Docker tests will be skipped"
  exit 0
fi

image=${IMAGE:-customized-lb:latest}
base=${BASE_IMAGE:-eclipse-temurin:17-jre}
if [ "$base" = local ]; then
  # tagged by the script that makes it, so a change of its modules makes a new base
  base=customized-lb-jre:17-$(sha1sum docker/build-base-image.sh | cut -c1-8)
  docker image inspect "$base" > /dev/null 2>&1 || docker/build-base-image.sh "$base"
fi
if [ ! -f verticles/target/load-balancer.jar ]; then
  echo "docker/build-image.sh: build the jar first: mvn -B -q package -DskipTests" >&2
  exit 1
fi
docker build -q -f docker/Dockerfile --build-arg BASE_IMAGE="$base" -t "$image" . > /dev/null
echo "built $image on $base ($(docker image inspect -f '{{.Size}}' "$image" | awk '{ printf "%.0f MB", $1 / 1e6 }'))"
