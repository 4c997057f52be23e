#!/usr/bin/env bash
# Copies the jars of a single-node Apache Kafka broker and Kafka's tools (see pom.xml) from Maven
# Central into .work/libs. Does nothing when they are already there.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
libs="$here/.work/libs"
if compgen -G "$libs/kafka_2.13-*.jar" >/dev/null &&
  compgen -G "$libs/kafka-tools-[0-9]*.jar" >/dev/null; then exit 0; fi
. "$here/../apt_need.sh"
apt_need java openjdk-17-jdk-headless
apt_need mvn maven
mkdir -p "$libs"
mvn -q -B -f "$here/pom.xml" dependency:copy-dependencies \
  -DoutputDirectory="$libs" -DincludeScope=runtime
echo "kafka jars in $libs"
