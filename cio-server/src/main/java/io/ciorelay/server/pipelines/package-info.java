/**
 * The Customer.io Data Pipelines (Segment-spec) calls the relay accepts — identify, track, page,
 * screen, group, alias — and their mapping onto Track API v2 operations, the way Segment's own
 * Customer.io destination maps them ({@link io.ciorelay.server.pipelines.PipelinesMapping}).
 */
package io.ciorelay.server.pipelines;
