/**
 * JMH benchmarks of the gateway's per-request work (scan and splice, token estimate, usage taps, counters,
 * interaction log line) and of one whole round trip through an in-process gateway.
 *
 * <p>Each benchmark runs 3 forks by default: every fork is a new JVM with its own JIT decisions and memory
 * layout, and the differences between forks are part of a figure's error, which one fork would hide.
 *
 * <pre>
 * nice mvn -B -q -pl bench -am -DskipTests package
 * java -jar bench/target/benchmarks.jar -prof gc                  # all of them, 3 forks each
 * java -jar bench/target/benchmarks.jar 'SseTap|Token' -prof gc   # those whose name matches
 * java -jar bench/target/benchmarks.jar JsonTap -f 1 -wi 1 -i 1   # a quick look (one fork: not a figure)
 * java -jar bench/target/benchmarks.jar -h                        # JMH's options
 * </pre>
 */
package io.llmgateway.bench.jmh;
