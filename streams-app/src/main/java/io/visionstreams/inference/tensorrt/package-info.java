/**
 * TensorRT backend through the JavaCPP presets (platform-notes §10).
 *
 * <p>Class-loading rule: only {@link io.visionstreams.inference.tensorrt.TensorRtProbe}, the plan cache, the
 * manifest, the key and the child-process launcher may be touched before the probe has succeeded. Everything
 * that names a TensorRT or CUDA type ({@code TrtNatives}, {@code TensorRtSession}, {@code ExecutionSlot},
 * {@code EngineBuildMain}, ...) is reached only after it, because the first touch of those classes loads the
 * native libraries and a failed load cannot be undone in the same JVM.
 */
package io.visionstreams.inference.tensorrt;
