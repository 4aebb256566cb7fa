#!/usr/bin/env bash
# Packs what GpuCheck needs to run on a GPU host that has no Java and no Maven: a minimal Java 17 runtime
# (jlink: java.base + jdk.unsupported, ~33 MB), the inference classes and the 10 jars it loads (~11 MB).
# No Kafka, no ONNX Runtime (add --with-ort for the parity check: +54 MB jar and java.logging).
#   deploy/gpucheck-bundle.sh [--with-ort]      -> streams-app/target/gpucheck/
# On the GPU host, from the directory holding gpucheck/ (and models/zoo for --onnx):
#   gpucheck/run.sh --onnx models/zoo/detector-student/1/model.onnx
set -euo pipefail
cd "$(dirname "$0")/.."
with_ort=${1:-}
./mvnw -q -o -pl schemas,streams-app package -DskipTests
t=streams-app/target
out=$t/gpucheck
rm -rf "$out" && mkdir -p "$out/lib"
jars="javacpp-1.5.14 javacpp-1.5.14-linux-x86_64 cuda-13.3-9.25-1.5.14 cuda-13.3-9.25-1.5.14-linux-x86_64
      tensorrt-11.2-1.5.14 tensorrt-11.2-1.5.14-linux-x86_64 jackson-databind-2.21.2 jackson-core-2.21.2
      jackson-annotations-2.21 slf4j-api-2.0.17"
modules=java.base,jdk.unsupported
if [ "$with_ort" = "--with-ort" ]; then
  jars="$jars onnxruntime-1.29.0"
  modules=$modules,java.logging
fi
for j in $jars; do cp "$t/lib/$j.jar" "$out/lib/"; done
(cd "$t/classes" && jar cf ../gpucheck/vs-inference.jar io/visionstreams/inference)
jlink --add-modules "$modules" --strip-debug --no-header-files --no-man-pages --compress=2 --output "$out/jre"
cat > "$out/run.sh" <<'RUN'
#!/usr/bin/env bash
d=$(cd "$(dirname "$0")" && pwd)
exec "$d/jre/bin/java" -Dorg.bytedeco.javacpp.cachedir=/tmp/javacpp-gpucheck -Dorg.bytedeco.javacpp.maxPhysicalBytes=0 \
  -Dvisionstreams.tensorrt.echoLog=true -cp "$d/vs-inference.jar:$d/lib/*" io.visionstreams.inference.tensorrt.GpuCheck "$@"
RUN
chmod +x "$out/run.sh"
du -sh "$out"
