#!/usr/bin/env bash
# Packs what the GPU checks need on a GPU host that has no Java and no Maven: a jlinked Java 17 runtime and
# the jars, so a host with only the NVIDIA driver, CUDA 13 and TensorRT 11 libraries can run them.
#   deploy/gpucheck-bundle.sh            GpuCheck only: java.base + jdk.unsupported (~33 MB), the inference
#                                        classes and the 10 jars they load (~11 MB); no Kafka, no ONNX Runtime
#   deploy/gpucheck-bundle.sh --with-ort + ONNX Runtime (linux-x64 natives only) for GpuCheck's parity check
#   deploy/gpucheck-bundle.sh --full     the whole service (vision-streams.jar + lib/, natives of other platforms
#                                        dropped), the test classes and the JUnit console: also runs the @Tag("gpu")
#                                        tests and `bench ... --runtime tensorrt` through the embedded broker
# Output: streams-app/target/gpucheck/. On the GPU host, with the TensorRT, cuBLAS, cuDNN and nvrtc libraries
# on LD_LIBRARY_PATH (deploy/README.md lists them):
#   gpucheck/run.sh [--onnx FILE | --model detector-student/1]   GpuCheck
#   gpucheck/gputest.sh                                           the GPU tests (--full)
#   gpucheck/vision-streams.sh bench detection --runtime tensorrt ...  the CLI (--full)
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-}
case "$mode" in ""|--with-ort|--full) ;; *) echo "usage: $0 [--with-ort|--full]" >&2; exit 64 ;; esac
if [ "$mode" = "--full" ]; then
  ./mvnw -q -o -pl schemas,streams-app package -DskipTests
else
  ./mvnw -q -o -pl schemas,streams-app package -DskipTests
fi
t=streams-app/target
out=$t/gpucheck
rm -rf "$out" && mkdir -p "$out/lib"

# jars of other platforms' natives are dead weight on a linux-x86_64 host (ONNX Runtime and RocksDB ship all)
strip_jar() { # src dst pattern...
  local src=$1 dst=$2; shift 2
  cp "$src" "$dst"
  zip -q -d "$dst" "$@" >/dev/null 2>&1 || true
}
if [ "$mode" = "--full" ]; then
  for j in "$t"/lib/*.jar; do
    case "$(basename "$j")" in
      onnxruntime-*) strip_jar "$j" "$out/lib/$(basename "$j")" 'ai/onnxruntime/native/osx-*' \
                       'ai/onnxruntime/native/win-*' 'ai/onnxruntime/native/linux-aarch64/*' ;;
      rocksdbjni-*) strip_jar "$j" "$out/lib/$(basename "$j")" '*osx*' '*win64*' '*aarch64*' '*ppc64le*' \
                      '*s390x*' '*riscv64*' '*musl*' '*linux32*' ;;
      *) cp "$j" "$out/lib/" ;;
    esac
  done
  cp "$t/vision-streams.jar" "$out/"
  (cd "$t/test-classes" && jar cf ../gpucheck/vs-tests.jar .)
  console=org/junit/platform/junit-platform-console-standalone/1.14.4/junit-platform-console-standalone-1.14.4.jar
  ./mvnw -q dependency:get -Dartifact=org.junit.platform:junit-platform-console-standalone:1.14.4 >/dev/null
  cp "$HOME/.m2/repository/$console" "$out/junit-console.jar"
  modules=java.base,java.compiler,java.desktop,java.instrument,java.logging,java.management,java.naming,java.net.http
  modules=$modules,java.scripting,java.security.jgss,java.security.sasl,java.sql,java.xml,jdk.crypto.ec,jdk.httpserver
  modules=$modules,jdk.jfr,jdk.management,jdk.unsupported,jdk.zipfs
else
  jars="javacpp-1.5.14 javacpp-1.5.14-linux-x86_64 cuda-13.3-9.25-1.5.14 cuda-13.3-9.25-1.5.14-linux-x86_64
        tensorrt-11.2-1.5.14 tensorrt-11.2-1.5.14-linux-x86_64 jackson-databind-2.21.2 jackson-core-2.21.2
        jackson-annotations-2.21 slf4j-api-2.0.17"
  modules=java.base,jdk.unsupported
  for j in $jars; do cp "$t/lib/$j.jar" "$out/lib/"; done
  if [ "$mode" = "--with-ort" ]; then
    strip_jar "$t/lib/onnxruntime-1.29.0.jar" "$out/lib/onnxruntime-1.29.0.jar" 'ai/onnxruntime/native/osx-*' \
      'ai/onnxruntime/native/win-*' 'ai/onnxruntime/native/linux-aarch64/*'
    modules=$modules,java.logging
  fi
  (cd "$t/classes" && jar cf ../gpucheck/vision-streams.jar io/visionstreams/inference)
fi
jlink --add-modules "$modules" --strip-debug --no-header-files --no-man-pages --compress=2 --output "$out/jre"

# common to the launchers: JavaCPP's RSS check misfires with large native libraries; TensorRT's log on stderr
cat > "$out/env.sh" <<'ENV'
d=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
java=("$d/jre/bin/java" -Dorg.bytedeco.javacpp.cachedir=/tmp/javacpp-gpucheck -Dorg.bytedeco.javacpp.maxPhysicalBytes=0
      -Dvisionstreams.tensorrt.echoLog=true)
ENV
cat > "$out/run.sh" <<'RUN'
#!/usr/bin/env bash
. "$(dirname "$0")/env.sh"
exec "${java[@]}" -cp "$d/vision-streams.jar:$d/lib/*" io.visionstreams.inference.tensorrt.GpuCheck "$@"
RUN
if [ "$mode" = "--full" ]; then
  cat > "$out/gputest.sh" <<'TEST'
#!/usr/bin/env bash
# the @Tag("gpu") tests (TensorRtGpuTest ...) plus the TensorRT package's CPU-side tests, for real on this host
. "$(dirname "$0")/env.sh"
# on the JVM's class path (not the launcher's -cp): the engine builder's child JVM reuses java.class.path
exec "${java[@]}" -cp "$d/junit-console.jar:$d/vs-tests.jar:$d/vision-streams.jar:$d/lib/*" \
  org.junit.platform.console.ConsoleLauncher execute --details=tree --disable-banner --disable-ansi-colors \
  --select-package io.visionstreams.inference.tensorrt "$@"
TEST
  cat > "$out/vision-streams.sh" <<'CLI'
#!/usr/bin/env bash
. "$(dirname "$0")/env.sh"
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
exec "${java[@]}" -Xmx4g -jar "$d/vision-streams.jar" "$@"
CLI
fi
chmod +x "$out"/*.sh
du -sh "$out"
