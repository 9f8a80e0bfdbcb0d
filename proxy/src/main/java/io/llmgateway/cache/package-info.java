/**
 * The exact-match response cache: answers of the models that turn it on, kept in memory by a hash of the
 * normalized request, the model and the client key, and replayed as JSON or as a stream in the client's format.
 */
package io.llmgateway.cache;
