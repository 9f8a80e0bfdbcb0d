package io.llmgateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.testing.MockUpstream;
import io.llmgateway.testing.TestJson;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Only the documented endpoint families go to every provider; others only to providers that list them. */
class EndpointFamiliesEndToEndTest {
    @RegisterExtension
    final MockUpstream plain = MockUpstream.start();

    @RegisterExtension
    final MockUpstream batching = MockUpstream.start();

    private TestGateway start() throws Exception {
        return TestGateway.start("""
                api_provider:
                  plain: {base_url: "%s", api_key: sk-plain}
                  batching: {base_url: "%s", api_key: sk-batching, extra_endpoints: [batches]}
                model_config:
                  m: {plain: {}, batching: {}}
                  only-plain: {plain: {}}
                """.formatted(plain.baseUrl(), batching.baseUrl()));
    }

    private static void assertUnknownUrl(HttpResponse<String> r, String... mentions) {
        assertEquals(404, r.statusCode(), r.body());
        Object body = TestJson.parse(r.body());
        assertEquals("unknown_url", TestJson.at(body, "error", "code"));
        String message = (String) TestJson.at(body, "error", "message");
        for (String m : mentions) {
            assertTrue(message.contains(m), message);
        }
    }

    private static HttpResponse<String> multipart(TestGateway g, String path) throws Exception {
        String boundary = "b0undary";
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nm\r\n--" + boundary
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.jsonl\"\r\n\r\n{}\r\n--" + boundary
                + "--\r\n";
        return g.http()
                .send(
                        HttpRequest.newBuilder(URI.create(g.url(path)))
                                .timeout(Duration.ofSeconds(20))
                                .header("content-type", "multipart/form-data; boundary=" + boundary)
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void undocumentedFamily_listedByNoProvider_is404BeforeTheBodyIsRead() throws Exception {
        try (TestGateway g = start()) {
            HttpResponse<String> jobs = g.post("/v1/fine_tuning/jobs", "{\"model\":\"m\",\"training_file\":\"f\"}");
            HttpResponse<String> files = multipart(g, "/v1/files?purpose=batch");

            assertUnknownUrl(jobs, "POST /v1/fine_tuning/jobs", "extra_endpoints", "\"fine_tuning\"");
            assertUnknownUrl(files, "POST /v1/files ", "extra_endpoints");
            assertEquals(List.of(), plain.requests());
            assertEquals(List.of(), batching.requests());
        }
    }

    @Test
    void listedFamily_goesOnlyToTheProvidersThatListIt() throws Exception {
        try (TestGateway g = start()) {
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> r = g.post("/v1/batches", "{\"model\":\"m\",\"input_file_id\":\"f\"}");
                assertEquals(200, r.statusCode(), r.body());
            }

            assertEquals(List.of(), plain.requests(), "plain comes first for m, but does not list batches");
            assertEquals(3, batching.requests().size());
            assertEquals("/v1/batches", batching.requests().get(0).uri());
            assertEquals("Bearer sk-batching", batching.requests().get(0).header("authorization"));
        }
    }

    @Test
    void listedFamily_modelWithoutAListingProvider_is404NamingTheModel() throws Exception {
        try (TestGateway g = start()) {
            HttpResponse<String> r = g.post("/v1/batches", "{\"model\":\"only-plain\"}");

            assertUnknownUrl(r, "POST /v1/batches", "'only-plain'", "extra_endpoints");
            assertEquals(List.of(), plain.requests());
        }
    }

    @Test
    void documentedFamilies_goToEveryProvider() throws Exception {
        try (TestGateway g = start()) {
            assertEquals(
                    200,
                    g.post("/v1/embeddings", "{\"model\":\"only-plain\",\"input\":\"x\"}")
                            .statusCode());
            assertEquals(
                    200,
                    g.post("/v1/moderations", "{\"model\":\"m\",\"input\":\"x\"}")
                            .statusCode());

            assertEquals(
                    List.of("/v1/embeddings", "/v1/moderations"),
                    plain.requests().stream().map(r -> r.uri()).toList());
        }
    }

    @Test
    void dotSegment_isNeverForwarded_andMultipartToADocumentedFamilyIsA400() throws Exception {
        try (TestGateway g = start()) {
            HttpResponse<String> dot = g.post("/v1/./batches", "{\"model\":\"m\"}");
            HttpResponse<String> upload = multipart(g, "/v1/audio/transcriptions");

            assertUnknownUrl(dot, "may not start with '.'");
            assertEquals(400, upload.statusCode(), upload.body());
            assertEquals(List.of(), plain.requests());
            assertEquals(List.of(), batching.requests());
        }
    }
}
