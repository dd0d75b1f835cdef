#!/usr/bin/env bash
# Builds opentelemetry-java-contrib's disk-buffering module from its sources, for system B of the
# side-by-side benchmark (SideBySide, JournalSideBySide --disk-buffering). Its artifact is not
# served by the Maven repository this project builds from, and its build is Gradle with Wire's
# plugin; this does the same steps with Maven-fetched tools:
#   1. the module's sources at CONTRIB_COMMIT, from CONTRIB_GIT (a URL or a local git directory);
#   2. Wire's compiler (Java output) over the OTLP protos, for the three export requests the module
#      uses, as its build.gradle.kts does;
#   3. the protobuf classes' package renamed io.opentelemetry.proto -> io.opentelemetry.diskbuffering.proto,
#      as the published jar's shadow relocation does (the benchmark jar has the real ones);
#   4. javac (AutoValue as annotation processor), a jar, and the runtime classpath written to
#      benchmarks/target/disk-buffering/classpath.txt.
# Usage: bash benchmarks/disk-buffering/build.sh
#        DISK_BUFFERING_CLASSPATH=$(cat benchmarks/target/disk-buffering/classpath.txt)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
out=${OUT:-$(cd "$here/../.." && pwd)/benchmarks/target/disk-buffering}
contrib_git=${CONTRIB_GIT:-https://github.com/open-telemetry/opentelemetry-java-contrib.git}
contrib_commit=${CONTRIB_COMMIT:-bfef2a59eee8ae5899479125827884c9a402f8b2}
proto_version=1.11.0-alpha # what disk-buffering's build generates from at that commit
roots=opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest,opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest,opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest

rm -rf "$out" && mkdir -p "$out"/{src,tools,deps,protos,generated,relocated,apt,classes,lib}

echo "disk-buffering sources at $contrib_commit"
if [ -d "$contrib_git" ]; then
  git --git-dir="$contrib_git" archive "$contrib_commit" disk-buffering | tar x -C "$out/src"
else
  git clone -q --filter=blob:none --no-checkout "$contrib_git" "$out/src/repo"
  git -C "$out/src/repo" archive "$contrib_commit" disk-buffering | tar x -C "$out/src"
fi

echo "tools and dependencies"
mvn -q -B -f "$here/tools.pom.xml" dependency:copy-dependencies -DoutputDirectory="$out/tools"
mvn -q -B -f "$here/compile.pom.xml" dependency:copy-dependencies -DoutputDirectory="$out/deps"
mvn -q -B -f "$here/compile.pom.xml" dependency:copy \
  -Dartifact="io.opentelemetry.proto:opentelemetry-proto:$proto_version" -DoutputDirectory="$out/protos"

echo "protobuf classes (Wire)"
(cd "$out/protos" && unzip -q -o "opentelemetry-proto-$proto_version.jar" 'opentelemetry/*')
java -cp "$out/tools/*" com.squareup.wire.WireCompiler --proto_path="$out/protos" \
  --java_out="$out/generated" --includes="$roots" > /dev/null

echo "relocation and compilation"
cp -r "$out/src/disk-buffering/src/main/java/io" "$out/relocated/"
mkdir -p "$out/relocated/io/opentelemetry/diskbuffering"
cp -r "$out/generated/io/opentelemetry/proto" "$out/relocated/io/opentelemetry/diskbuffering/"
grep -rl 'io\.opentelemetry\.proto' "$out/relocated" \
  | xargs sed -i 's/io\.opentelemetry\.proto\b/io.opentelemetry.diskbuffering.proto/g'
find "$out/relocated" -name '*.java' > "$out/sources.txt"
classpath=$(find "$out/deps" -name '*.jar' ! -name 'auto-value-1*' | tr '\n' ':')
if ! javac --release 17 -nowarn -encoding UTF-8 -cp "$classpath" \
  -processorpath "$(ls "$out"/deps/auto-value-1*.jar):$(ls "$out"/deps/auto-value-annotations-*.jar)" \
  -s "$out/apt" -d "$out/classes" @"$out/sources.txt" > "$out/javac.log" 2>&1; then
  cat "$out/javac.log"
  exit 1
fi
jar --create --file "$out/opentelemetry-disk-buffering.jar" -C "$out/classes" .

# At run time it needs Wire's runtime, Okio and Kotlin's standard library; the SDK and the OTLP
# marshalers come from the benchmark jar.
for dependency in wire-runtime-jvm- okio-jvm- kotlin-stdlib-[0-9]; do
  cp "$out"/deps/$dependency*.jar "$out/lib/"
done
{ echo -n "$out/opentelemetry-disk-buffering.jar"; for jar in "$out"/lib/*.jar; do echo -n ":$jar"; done; } \
  > "$out/classpath.txt"
echo "built $out/opentelemetry-disk-buffering.jar; classpath in $out/classpath.txt"
