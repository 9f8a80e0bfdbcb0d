/**
 * Programs that measure the gateway from outside, each with a {@code main}, run from
 * {@code bench/target/benchmarks.jar} with {@code java -cp}.
 *
 * <p>bench/load.sh starts most of them (it builds the jars when the sources changed, and prints the git
 * revision and the jars' hashes with its results): {@link io.llmgateway.bench.load.LoadFiles} writes the bodies
 * wrk posts and nginx returns, {@link io.llmgateway.bench.load.NettyReferenceProxy} is the platform-floor proxy,
 * {@link io.llmgateway.bench.load.SequentialProbe} and {@link io.llmgateway.bench.load.PacedProbe} measure
 * one connection's latency and a paced stream's added delays, and {@link io.llmgateway.bench.load.LoadReport}
 * prints the tables from the raw results. See the header of bench/load.sh for its options.
 *
 * <p>{@link io.llmgateway.bench.load.SharedAdmissionThroughput} runs alone: the cost of admission in memory and
 * with the shared Redis limits store (it starts its own redis-server).
 *
 * <p>{@link io.llmgateway.bench.load.InteractionLogCpu} runs alone too: the CPU per record of the interaction
 * log's writer against the same log written through log4j2's appenders
 * ({@link io.llmgateway.bench.load.Log4jInteractionLog}), writer threads included.
 */
package io.llmgateway.bench.load;
