/**
 * The pieces that the JMH benchmarks ({@link io.llmgateway.bench.jmh}) and the load-harness programs
 * ({@link io.llmgateway.bench.load}) both use: the canned OpenAI bodies ({@link io.llmgateway.bench.Payloads}),
 * the mock provider ({@link io.llmgateway.bench.CannedMock}: the test kit's MockProvider with canned answers),
 * a blocking keep-alive HTTP client and the programs' {@code --name value} options. It depends on the gateway
 * and the test kit only, and neither sub-package depends on the other, so a benchmark and a harness program
 * can change without touching each other.
 *
 * <p>Everything is packaged in {@code bench/target/benchmarks.jar} (JMH's runner is its main class):
 * {@code nice mvn -B -q -pl bench -am -DskipTests package}. Nothing here runs during {@code mvn verify}.
 */
package io.llmgateway.bench;
