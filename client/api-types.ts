/**
 * The API's types, generated from client/openapi.json by `npx tsx scripts/render-api-types.ts`: do not
 * edit. openapi-fetch reads `paths` (client/edge-recs-client.ts).
 */
export interface paths {
  "/healthz": {
    /** Liveness and what is being served */
    get: operations["getHealthz"];
  };
  "/openapi.json": {
    /** This OpenAPI 3.1 document */
    get: operations["getOpenapiJson"];
  };
  "/docs": {
    /** The API reference page */
    get: operations["getDocs"];
  };
  "/v1/recommendations": {
    /** What this user should see now */
    get: operations["getV1Recommendations"];
  };
  "/v1/events": {
    /** Record interaction events */
    post: operations["postV1Events"];
  };
  "/v1/items/{item_id}": {
    /** Add or replace an item from its metadata */
    put: operations["putV1ItemsByItemId"];
    /** Remove an item everywhere and block it */
    delete: operations["deleteV1ItemsByItemId"];
  };
  "/v1/items/{item_id}/status": {
    /** An item's status */
    get: operations["getV1ItemsByItemIdStatus"];
    /** Set an item's reversible flags */
    put: operations["putV1ItemsByItemIdStatus"];
  };
  "/v1/items/{item_id}/similar": {
    /** Items nearest to one item */
    get: operations["getV1ItemsByItemIdSimilar"];
  };
  "/v1/trending": {
    /** What is trending now */
    get: operations["getV1Trending"];
  };
  "/v1/trending/flush": {
    /** Flush the trending shards and republish the live lists now */
    post: operations["postV1TrendingFlush"];
  };
  "/v1/users/{user_id}/preferences": {
    /** Onboarding: a user's preferred categories and demographics */
    put: operations["putV1UsersByUserIdPreferences"];
  };
  "/v1/users/{user_id}/state": {
    /** Everything the user's session object holds */
    get: operations["getV1UsersByUserIdState"];
  };
  "/v1/users/{user_id}": {
    /** Erase a user (right to erasure) */
    delete: operations["deleteV1UsersByUserId"];
  };
  "/v1/admin/index": {
    /** Describe the active index (or a release's) */
    get: operations["getV1AdminIndex"];
    /** (Re)create the embedded index, or claim a Vectorize slot for a release */
    put: operations["putV1AdminIndex"];
  };
  "/v1/admin/index/vectors": {
    /** Read vectors back by id */
    get: operations["getV1AdminIndexVectors"];
    /** Upsert vectors (NDJSON, one per line) */
    post: operations["postV1AdminIndexVectors"];
  };
  "/v1/admin/index/version": {
    /** Mark a full upload done */
    put: operations["putV1AdminIndexVersion"];
  };
  "/v1/admin/index/delete": {
    /** Delete vectors by id */
    post: operations["postV1AdminIndexDelete"];
  };
  "/v1/admin/digests": {
    /** Email digests for many users */
    post: operations["postV1AdminDigests"];
  };
  "/v1/admin/digests/opt-ins": {
    /** Who gets the nightly digest, one page in user-id order */
    get: operations["getV1AdminDigestsOptIns"];
    /** Opt users in to the nightly digest */
    post: operations["postV1AdminDigestsOptIns"];
  };
  "/v1/admin/digests/opt-ins/delete": {
    /** Opt users out of the nightly digest */
    post: operations["postV1AdminDigestsOptInsDelete"];
  };
  "/v1/admin/event-log": {
    /** List event lake objects under a prefix */
    get: operations["getV1AdminEventLog"];
  };
  "/v1/admin/event-log/object": {
    /** One event lake object's bytes, as stored */
    get: operations["getV1AdminEventLogObject"];
  };
  "/v1/admin/releases": {
    /** The release pointer and the registry */
    get: operations["getV1AdminReleases"];
  };
  "/v1/admin/releases/canary": {
    /** The canary's live A/B report */
    get: operations["getV1AdminReleasesCanary"];
    /** Stop the canary */
    delete: operations["deleteV1AdminReleasesCanary"];
  };
  "/v1/admin/releases/{id}": {
    /** Register an uploaded release (body: its manifest.json) */
    put: operations["putV1AdminReleasesById"];
    /** Unregister a release that does not serve */
    delete: operations["deleteV1AdminReleasesById"];
  };
  "/v1/admin/releases/{id}/kv": {
    /** Upload a release's KV records */
    post: operations["postV1AdminReleasesByIdKv"];
  };
  "/v1/admin/releases/{id}/purge": {
    /** Delete up to 500 of an unregistered release's KV records */
    post: operations["postV1AdminReleasesByIdPurge"];
  };
  "/v1/admin/releases/{id}/activate": {
    /** Make a release current */
    post: operations["postV1AdminReleasesByIdActivate"];
  };
  "/v1/admin/releases/{id}/canary": {
    /** Serve a release to a share of users */
    put: operations["putV1AdminReleasesByIdCanary"];
  };
  "/v1/admin/keys": {
    /** List server keys (never a secret) */
    get: operations["getV1AdminKeys"];
    /** Create a server key */
    post: operations["postV1AdminKeys"];
  };
  "/v1/admin/keys/{key_id}": {
    /** Revoke a server key */
    delete: operations["deleteV1AdminKeysByKeyId"];
  };
  "/v1/admin/metrics": {
    /** The Worker's operational metrics */
    get: operations["getV1AdminMetrics"];
  };
  "/v1/admin/items/search": {
    /** Search the listed catalogue (or read items by id) */
    get: operations["getV1AdminItemsSearch"];
  };
  "/v1/admin/items/flagged": {
    /** Every flagged or removed item, with its status */
    get: operations["getV1AdminItemsFlagged"];
  };
  "/v1/admin/experiments": {
    /** The configured experiments */
    get: operations["getV1AdminExperiments"];
  };
  "/v1/admin/experiments/{experiment_id}": {
    /** An experiment's live per-arm report */
    get: operations["getV1AdminExperimentsByExperimentId"];
  };
  "/v1/admin/users/{user_id}/session": {
    /** A user's session snapshot */
    get: operations["getV1AdminUsersByUserIdSession"];
  };
}

export interface components {
  schemas: {
    /** Every 4xx and 5xx answer: a machine-readable code and a message. */
    ApiError: {
      error: {
        code: "invalid_request" | "invalid_json" | "unauthorized" | "forbidden" | "forbidden_user" | "rate_limited" | "key_limit_reached" | "not_found" | "item_not_found" | "payload_too_large" | "unsupported_backend" | "index_error" | "session_unavailable" | "event_log_unavailable" | "model_not_published" | "dimension_mismatch" | "invalid_config" | "flag_list_full" | "catalog_publish_failed" | "release_not_ready" | "release_in_use" | "no_free_vector_slot" | "internal";
        message: string;
        /** Route-specific detail: the zod issues of a rejected request, rejected events, … */
        details?: unknown;
      };
    };
    Reason: {
      code: "because_you_watched" | "similar_to" | "trending_in_category" | "new_in_category" | "exploring_category" | "preferred_category" | "popular" | "picked_for_you";
      text: string;
      item_id?: string;
      category?: string;
    };
    /** A stage that could not serve as planned, why, and what served instead (docs/fallbacks.md). */
    Fallback: {
      stage: "session" | "user_vector" | "candidates" | "session_similar" | "trending" | "fresh" | "popular" | "ranker" | "rerank";
      reason: "unavailable" | "timeout" | "unknown_user" | "empty" | "not_published" | "rejected" | "circuit_open";
      used: "stateless_request" | "popular" | "session_vector" | "without_session_similar" | "without_fresh_items" | "built_in_list" | "list_similarity_0" | "light" | "retrieval_order" | "rules_without_embeddings";
      detail?: string;
    };
    Timings: {
      [key: string]: number;
    };
    ItemMetadata: {
      category: string;
      popularity: number;
      /** Seconds since epoch. */
      released_at: number;
      sponsored: boolean;
      title: string;
      genres: string[];
    };
    ServedItem: {
      item_id: string;
      score: number;
      source: "ann" | "popular" | "similar" | "session_similar" | "preferred" | "trending" | "fresh" | "exploration";
      category?: string;
    };
    ExperimentReport: {
      experiment: string;
      traffic: number;
      control: string;
      arms: ({
        arm: string;
        counters: {
          [key: string]: number;
        };
        ctr: {
          value: number;
          low: number;
          high: number;
        };
        conversion_rate: {
          value: number;
          low: number;
          high: number;
        };
        empty_rate: number;
        latency_p99_ms: number | null;
        coverage: {
          distinct_items: number;
          share_of_catalogue: number | null;
        };
        category_diversity: number | null;
        categories_per_list: number | null;
        guardrails?: {
          latency_p99: "pass" | "fail" | "no_data";
          empty_rate: "pass" | "fail";
        };
      })[];
    };
  };
  responses: {
    BadRequest: {
      headers: { [name: string]: unknown };
      content: {
        "application/json": components["schemas"]["ApiError"];
      };
    };
    Unauthorized: {
      headers: { [name: string]: unknown };
      content: {
        "application/json": components["schemas"]["ApiError"];
      };
    };
    Forbidden: {
      headers: { [name: string]: unknown };
      content: {
        "application/json": components["schemas"]["ApiError"];
      };
    };
    NotFound: {
      headers: { [name: string]: unknown };
      content: {
        "application/json": components["schemas"]["ApiError"];
      };
    };
    Conflict: {
      headers: { [name: string]: unknown };
      content: {
        "application/json": components["schemas"]["ApiError"];
      };
    };
    PayloadTooLarge: {
      headers: { [name: string]: unknown };
      content: {
        "application/json": components["schemas"]["ApiError"];
      };
    };
    RateLimited: {
      headers: { [name: string]: unknown };
      content: {
        "application/json": components["schemas"]["ApiError"];
      };
    };
    InternalError: {
      headers: { [name: string]: unknown };
      content: {
        "application/json": components["schemas"]["ApiError"];
      };
    };
    Unavailable: {
      headers: { [name: string]: unknown };
      content: {
        "application/json": components["schemas"]["ApiError"];
      };
    };
  };
}

export interface operations {
  /** Liveness and what is being served */
  getHealthz: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** Liveness and what is being served */
      200: {
        headers: { [name: string]: unknown };
        content: {
          "application/json": {
            status: "ok";
            vector_index_backend: string;
            model_version: string | null;
            /** Once a release is published: the pointer. */
            release?: {
              current: string;
              previous: string | null;
              canary: ({
                release: string;
                share: number;
              }) | null;
            };
          };
        };
      };
      500: components["responses"]["InternalError"];
    };
  };
  /** This OpenAPI 3.1 document */
  getOpenapiJson: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** This OpenAPI 3.1 document */
      200: {
        headers: { [name: string]: unknown };
        content: {
          "application/json": {
            openapi: string;
            info: {
              title: string;
              version: string;
              [key: string]: unknown;
            };
            paths: {
              [key: string]: unknown;
            };
            components: {
              [key: string]: unknown;
            };
            [key: string]: unknown;
          };
        };
      };
      500: components["responses"]["InternalError"];
    };
  };
  /** The API reference page */
  getDocs: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** The document rendered as one HTML page (no scripts). */
      200: {
        headers: { [name: string]: unknown };
        content: {
          "text/html": string;
        };
      };
      500: components["responses"]["InternalError"];
    };
  };
  /** What this user should see now */
  getV1Recommendations: {
    parameters: {
      query: {
        user_id: string;
        n?: number;
        surface?: "home" | "more_like_this" | "email";
        item_id?: string;
        device?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** What this user should see now */
      200: {
        headers: { [name: string]: unknown };
        content: {
          "application/json": {
            request_id: string;
            user_id: string;
            surface: "home" | "more_like_this" | "email";
            ranker: "sidecar" | "light" | "retrieval_order";
            model_version?: string;
            /** A/B arms the user is in (experiment id → arm). */
            arms: {
              [key: string]: string;
            };
            items: ({
              item_id: string;
              score: number;
              source: "ann" | "popular" | "similar" | "session_similar" | "preferred" | "trending" | "fresh" | "exploration";
              category?: string;
              exploration?: {
                arm: string;
                from: "trending" | "fresh";
              };
              reason: components["schemas"]["Reason"];
            })[];
            user_vector: {
              source: "trained" | "session" | "blended" | "seed" | null;
              session_share: number;
              fold_in?: "als_fold_in" | "item_average";
            };
            fallbacks: components["schemas"]["Fallback"][];
            timings_ms: components["schemas"]["Timings"];
          };
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      429: components["responses"]["RateLimited"];
      500: components["responses"]["InternalError"];
    };
  };
  /** Record interaction events */
  postV1Events: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": ({
          event_id: string;
          user_id: string;
          item_id: string;
          type: "impression" | "view" | "click" | "complete" | "like" | "save" | "rating" | "purchase" | "skip" | "not_interested" | "hide";
          value?: number;
          ts?: number;
          request_id?: string;
          position?: number;
          context?: {
            surface?: "home" | "more_like_this" | "email";
            device?: string;
          };
        }) | ({
          events: ({
            event_id: string;
            user_id: string;
            item_id: string;
            type: "impression" | "view" | "click" | "complete" | "like" | "save" | "rating" | "purchase" | "skip" | "not_interested" | "hide";
            value?: number;
            ts?: number;
            request_id?: string;
            position?: number;
            context?: {
              surface?: "home" | "more_like_this" | "email";
              device?: string;
            };
          })[];
        });
      };
    };
    responses: {
      /** Record interaction events */
      200: {
        headers: { [name: string]: unknown };
        content: {
          "application/json": {
            accepted: number;
            /** Replays of an event already stored (same user_id and event_id): accepted once, changing nothing. */
            duplicates: number;
            rejected: ({
              index: number;
              event_id?: string;
              error: {
                code: "invalid_event";
                message: string;
              };
            })[];
          };
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      413: components["responses"]["PayloadTooLarge"];
      429: components["responses"]["RateLimited"];
      500: components["responses"]["InternalError"];
      503: components["responses"]["Unavailable"];
    };
  };
  /** Add or replace an item from its metadata */
  putV1ItemsByItemId: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        item_id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": {
          title?: string;
          genres?: string[];
          category?: string;
          released_at?: number;
          year?: number;
          sponsored?: boolean;
          values?: number[];
          unsafe?: boolean;
          available?: boolean;
        };
      };
    };
    responses: {
      /** Add or replace an item from its metadata */
      200: {
        headers: { [name: string]: unknown };
        content: {
          "application/json": {
            item_id: string;
            vector_source: "content_encoder" | "provided";
            /** The ALS model version the content encoder maps into. */
            model_version?: string;
            /** The L2 norm the encoded vector was scaled to: the trained items' median for its category (model:item-fold-in). */
            calibrated_norm?: number;
            dimensions: number;
            metadata: components["schemas"]["ItemMetadata"];
            mutation_id: string;
          };
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      409: components["responses"]["Conflict"];
      413: components["responses"]["PayloadTooLarge"];
      429: components["responses"]["RateLimited"];
      500: components["responses"]["InternalError"];
    };
  };
  /** Remove an item everywhere and block it */
  deleteV1ItemsByItemId: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        item_id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** Remove an item everywhere and block it */
      200: {
        headers: { [name: string]: unknown };
        content: {
          "application/json": {
            item_id: string;
            was_indexed: boolean;
            /** KV popular lists it was taken out of. */
            popular_lists: string[];
            was_fresh: boolean;
            blocked: true;
          };
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      429: components["responses"]["RateLimited"];
      500: components["responses"]["InternalError"];
      503: components["responses"]["Unavailable"];
    };
  };
  /** An item's status */
  getV1ItemsByItemIdStatus: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        item_id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** An item's status */
      200: {
        headers: { [name: string]: unknown };
        content: {
          "application/json": {
            item_id: string;
            unsafe: boolean;
            available: boolean;
            blocked: boolean;
          };
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      429: components["responses"]["RateLimited"];
      500: components["responses"]["InternalError"];
    };
  };
  /** Set an item's reversible flags */
  putV1ItemsByItemIdStatus: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        item_id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": {
          unsafe?: boolean;
          available?: boolean;
        };
      };
    };
    responses: {
      /** Set an item's reversible flags */
      200: {
        headers: { [name: string]: unknown };
        content: {
          "application/json": {
            item_id: string;
            unsafe: boolean;
            available: boolean;
            blocked: boolean;
          };
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      409: components["responses"]["Conflict"];
      413: components["responses"]["PayloadTooLarge"];
      429: components["responses"]["RateLimited"];
      500: components["responses"]["InternalError"];
      503: components["responses"]["Unavailable"];
    };
  };
  /** Items nearest to one item */
  getV1ItemsByItemIdSimilar: {
    parameters: {
      query?: {
        n?: number;
      };
      header?: never;
      path: {
        item_id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** Items nearest to one item */
      200: {
        headers: { [name: string]: unknown };
        content: {
          "application/json": {
            request_id: string;
            item_id: string;
            items: components["schemas"]["ServedItem"][];
            fallbacks: components["schemas"]["Fallback"][];
            timings_ms: components["schemas"]["Timings"];
          };
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      429: components["responses"]["RateLimited"];
      500: components["responses"]["InternalError"];
    };
  };
  /** What is trending now */
  getV1Trending: {
    parameters: {
      query?: {
        category?: string;
        n?: number;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** What is trending now */
      200: {
        headers: { [name: string]: unknown };
        content: {
          "application/json": {
            request_id: string;
            category?: string;
            /** When the list the items lead with was made. */
            generated_at: string;
            items: components["schemas"]["ServedItem"][];
            fallbacks: components["schemas"]["Fallback"][];
          };
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      429: components["responses"]["RateLimited"];
      500: components["responses"]["InternalError"];
    };
  };
  /** Flush the trending shards and republish the live lists now */
  postV1TrendingFlush: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** Flush the trending shards and republish the live lists now */
      200: {
        headers: { [name: string]: unknown };
        content: {
          "application/json": {
            shards_flushed: number;
            shards_failed: number;
            items_reported: number;
            generatedAt: string;
            shards: number;
            items: number;
            categories: string[];
            removedCategories: string[];
            /** KV writes that failed; the next publish retries them. */
            failedWrites: number;
          };
        };
      };
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      429: components["responses"]["RateLimited"];
      500: components["responses"]["InternalError"];
    };
  };
  /** Onboarding: a user's preferred categories and demographics */
  putV1UsersByUserIdPreferences: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        user_id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": {
          categories: string[];
          demographics?: {
            age_bucket?: string;
            gender?: string;
            country?: string;
            device?: string;
          };
        };
      };
    };
    responses: {
      /** Onboarding: a user's preferred categories and demographics */
      200: {
        headers: { [name: string]: unknown };
        content: {
          "application/json": {
            user_id: string;
            preferences: {
              categories: string[];
              demographics?: {
                age_bucket?: string;
                gender?: string;
                country?: string;
                device?: string;
              };
              /** Milliseconds since epoch. */
              updatedAt: number;
            };
          };
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      413: components["responses"]["PayloadTooLarge"];
      429: components["responses"]["RateLimited"];
      500: components["responses"]["InternalError"];
      503: components["responses"]["Unavailable"];
    };
  };
  /** Everything the user's session object holds */
  getV1UsersByUserIdState: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        user_id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** Everything the user's session object holds */
      200: {
        headers: { [name: string]: unknown };
        content: {
          "application/json": {
            user_id: string;
            profile: ({
              categories: string[];
              demographics?: {
                age_bucket?: string;
                gender?: string;
                country?: string;
                device?: string;
              };
              /** Milliseconds since epoch. */
              updatedAt: number;
            }) | null;
            counts: {
              [key: string]: number;
            };
            affinity: {
              [key: string]: number;
            };
            arms: ({
              arm: string;
              posterior: {
                alpha: number;
                beta: number;
                mean: number;
                [key: string]: unknown;
              };
              [key: string]: unknown;
            })[];
            sessionVector: ({
              [key: string]: unknown;
            }) | null;
            seedVector: number[] | null;
            retention: {
              lastActivity: number | null;
              deleteAfter: number | null;
              alarm: number | null;
            };
            recent: ({
              itemId: string;
              type: string;
              ts: number;
              value: number | null;
            })[];
            prior: {
              alpha: number;
              beta: number;
              preferenceBoost: number;
              [key: string]: unknown;
            };
            [key: string]: unknown;
          };
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      429: components["responses"]["RateLimited"];
      500: components["responses"]["InternalError"];
    };
  };
  /** Erase a user (right to erasure) */
  deleteV1UsersByUserId: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        user_id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** Erase a user (right to erasure) */
      200: {
        headers: { [name: string]: unknown };
        content: {
          "application/json": {
            user_id: string;
            /** ISO 8601; events stamped at or before it are forgotten offline. */
            erased_at: string;
            /** The tombstone's event log key. */
            tombstone: string;
            erased: {
              tombstone: true;
              user_record: true;
              session: true;
              digest_opt_in: true;
            };
          };
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      429: components["responses"]["RateLimited"];
      500: components["responses"]["InternalError"];
      503: components["responses"]["Unavailable"];
    };
  };
  /** Describe the active index (or a release's) */
  getV1AdminIndex: {
    parameters: {
      query?: {
        release?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** Describe the active index (or a release's) */
      200: {
        headers: { [name: string]: unknown };
        content: {
          "application/json": {
            backend?: "embedded" | "vectorize";
            configured?: boolean;
            slot?: string;
            vectorCount?: number;
            dimensions?: number;
            detail?: string;
            [key: string]: unknown;
          };
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      409: components["responses"]["Conflict"];
      429: components["responses"]["RateLimited"];
      500: components["responses"]["InternalError"];
    };
  };
  /** (Re)create the embedded index, or claim a Vectorize slot for a release */
  putV1AdminIndex: {
    parameters: {
      query?: {
        release?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": {
          dimensions: number;
          metric: "cosine" | "euclidean" | "dot-product";
          metadata_indexes?: {
            [key: string]: "string" | "number" | "boolean";
          };
        };
      };
    };
    responses: {
      /** (Re)create the embedded index, or claim a Vectorize slot for a release */
      200: {
        headers: { [name: string]: unknown };
        content: {
          "application/json": {
            backend?: "embedded" | "vectorize";
            configured?: boolean;
            slot?: string;
            vectorCount?: number;
            dimensions?: number;
            detail?: string;
            [key: string]: unknown;
          };
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      409: components["responses"]["Conflict"];
      413: components["responses"]["PayloadTooLarge"];
      429: components["responses"]["RateLimited"];
      500: components["responses"]["InternalError"];
    };
  };
  /** Read vectors back by id */
  getV1AdminIndexVectors: {
    parameters: {
      query: {
        release?: string;
        ids: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** Read vectors back by id */
      200: {
        headers: { [name: string]: unknown };
        content: {
          "application/json": {
            vectors: ({
              id: string;
              values: number[];
              namespace?: string;
              metadata?: {
                [key: string]: string | number | boolean | string[];
              };
            })[];
          };
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      409: components["responses"]["Conflict"];
      429: components["responses"]["RateLimited"];
      500: components["responses"]["InternalError"];
    };
  };
  /** Upsert vectors (NDJSON, one per line) */
  postV1AdminIndexVectors: {
    parameters: {
      query?: {
        release?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/x-ndjson": {
          id: string;
          values: number[];
          namespace?: string;
          metadata?: {
            [key: string]: string | number | boolean | string[];
          };
        };
      };
    };
    responses: {
      /** Upsert vectors (NDJSON, one per line) */
      200: {
        headers: { [name: string]: unknown };
        content: {
          "application/json": {
            mutationId: string;
            upserted: number;
            [key: string]: unknown;
          };
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      409: components["responses"]["Conflict"];
      413: components["responses"]["PayloadTooLarge"];
      429: components["responses"]["RateLimited"];
      500: components["responses"]["InternalError"];
    };
  };
  /** Mark a full upload done */
  putV1AdminIndexVersion: {
    parameters: {
      query?: {
        release?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": {
          version: string;
        };
      };
    };
    responses: {
      /** Mark a full upload done */
      200: {
        headers: { [name: string]: unknown };
        content: {
          "application/json": {
            backend?: "embedded" | "vectorize";
            configured?: boolean;
            slot?: string;
            vectorCount?: number;
            dimensions?: number;
            detail?: string;
            [key: string]: unknown;
          };
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      409: components["responses"]["Conflict"];
      413: components["responses"]["PayloadTooLarge"];
      429: components["responses"]["RateLimited"];
      500: components["responses"]["InternalError"];
    };
  };
  /** Delete vectors by id */
  postV1AdminIndexDelete: {
    parameters: {
      query?: {
        release?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": {
          ids: string[];
        };
      };
    };
    responses: {
      /** Delete vectors by id */
      200: {
        headers: { [name: string]: unknown };
        content: {
          "application/json": {
            mutationId: string;
            [key: string]: unknown;
          };
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      409: components["responses"]["Conflict"];
      413: components["responses"]["PayloadTooLarge"];
      429: components["responses"]["RateLimited"];
      500: components["responses"]["InternalError"];
    };
  };
  /** Email digests for many users */
  postV1AdminDigests: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": {
          user_ids: string[];
          n?: number;
        };
      };
    };
    responses: {
      /** Email digests for many users */
      200: {
        headers: { [name: string]: unknown };
        content: {
          "application/json": {
            digests: ({
              user_id: string;
              request_id: string;
              /** A/B arms the user is in (experiment id → arm). */
              arms: {
                [key: string]: string;
              };
              items: ({
                item_id: string;
                score: number;
                source: "ann" | "popular" | "similar" | "session_similar" | "preferred" | "trending" | "fresh" | "exploration";
                category?: string;
                exploration?: {
                  arm: string;
                  from: "trending" | "fresh";
                };
                reason: components["schemas"]["Reason"];
              })[];
              fallbacks: components["schemas"]["Fallback"][];
            })[];
            failed: ({
              user_id: string;
              error: string;
            })[];
            /** Users not started within the time budget: send them again. */
            pending: string[];
            timings_ms: {
              total: number;
            };
          };
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      413: components["responses"]["PayloadTooLarge"];
      429: components["responses"]["RateLimited"];
      500: components["responses"]["InternalError"];
    };
  };
  /** Who gets the nightly digest, one page in user-id order */
  getV1AdminDigestsOptIns: {
    parameters: {
      query?: {
        after?: string;
        limit?: number;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** Who gets the nightly digest, one page in user-id order */
      200: {
        headers: { [name: string]: unknown };
        content: {
          "application/json": {
            user_ids: string[];
            /** Pass as `after` for the next page; null on the last page. */
            cursor: string | null;
            total: number;
          };
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      429: components["responses"]["RateLimited"];
      500: components["responses"]["InternalError"];
    };
  };
  /** Opt users in to the nightly digest */
  postV1AdminDigestsOptIns: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": {
          user_ids: string[];
        };
      };
    };
    responses: {
      /** Opt users in to the nightly digest */
      200: {
        headers: { [name: string]: unknown };
        content: {
          "application/json": {
            added: number;
            total: number;
          };
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      413: components["responses"]["PayloadTooLarge"];
      429: components["responses"]["RateLimited"];
      500: components["responses"]["InternalError"];
    };
  };
  /** Opt users out of the nightly digest */
  postV1AdminDigestsOptInsDelete: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": {
          user_ids: string[];
        };
      };
    };
    responses: {
      /** Opt users out of the nightly digest */
      200: {
        headers: { [name: string]: unknown };
        content: {
          "application/json": {
            removed: number;
            total: number;
          };
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      413: components["responses"]["PayloadTooLarge"];
      429: components["responses"]["RateLimited"];
      500: components["responses"]["InternalError"];
    };
  };
  /** List event lake objects under a prefix */
  getV1AdminEventLog: {
    parameters: {
      query: {
        prefix: string;
        cursor?: string;
        limit?: number;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** List event lake objects under a prefix */
      200: {
        headers: { [name: string]: unknown };
        content: {
          "application/json": {
            objects: ({
              key: string;
              size: number;
              uploaded: string;
            })[];
            /** Pass back for the next page; null on the last page. */
            cursor: string | null;
          };
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      429: components["responses"]["RateLimited"];
      500: components["responses"]["InternalError"];
    };
  };
  /** One event lake object's bytes, as stored */
  getV1AdminEventLogObject: {
    parameters: {
      query: {
        key: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** The object's bytes (NDJSON, gzipped NDJSON, …) with its stored content type. */
      200: {
        headers: { [name: string]: unknown };
        content: {
          "application/octet-stream": string;
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      404: components["responses"]["NotFound"];
      429: components["responses"]["RateLimited"];
      500: components["responses"]["InternalError"];
    };
  };
  /** The release pointer and the registry */
  getV1AdminReleases: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** The release pointer and the registry */
      200: {
        headers: { [name: string]: unknown };
        content: {
          "application/json": {
            pointer: ({
              current: string;
              previous: string | null;
              canary: ({
                release: string;
                share: number;
              }) | null;
              vector_slots: {
                [key: string]: string;
              };
              updated_at: string;
            }) | null;
            releases: ({
              id: string;
              created_at: string;
              published_at: string;
              dataset: string;
              retrieval_model: string;
              feature_spec_hash: string;
              dimensions: number;
              counts: {
                items: number;
                users: number;
                interactions: number;
              };
              metrics: {
                [key: string]: number;
              };
              vector_slot: string | null;
            })[];
          };
        };
      };
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      429: components["responses"]["RateLimited"];
      500: components["responses"]["InternalError"];
    };
  };
  /** The canary's live A/B report */
  getV1AdminReleasesCanary: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** The canary's live A/B report */
      200: {
        headers: { [name: string]: unknown };
        content: {
          "application/json": {
            canary: string;
            current: string;
            share: number;
            report: components["schemas"]["ExperimentReport"];
          };
        };
      };
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      404: components["responses"]["NotFound"];
      429: components["responses"]["RateLimited"];
      500: components["responses"]["InternalError"];
    };
  };
  /** Stop the canary */
  deleteV1AdminReleasesCanary: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** Stop the canary */
      200: {
        headers: { [name: string]: unknown };
        content: {
          "application/json": {
            pointer: {
              current: string;
              previous: string | null;
              canary: ({
                release: string;
                share: number;
              }) | null;
              vector_slots: {
                [key: string]: string;
              };
              updated_at: string;
            };
          };
        };
      };
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      404: components["responses"]["NotFound"];
      429: components["responses"]["RateLimited"];
      500: components["responses"]["InternalError"];
    };
  };
  /** Register an uploaded release (body: its manifest.json) */
  putV1AdminReleasesById: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": {
          modelVersion: string;
          createdAt: string;
          dataset: string;
          retrievalModel: string;
          dimensions: number;
          featureSpecHash: string;
          counts: {
            items: number;
            users: number;
            interactions: number;
          };
          metrics?: {
            [key: string]: number;
          };
        };
      };
    };
    responses: {
      /** Register an uploaded release (body: its manifest.json) */
      200: {
        headers: { [name: string]: unknown };
        content: {
          "application/json": {
            release: {
              id: string;
              created_at: string;
              published_at: string;
              dataset: string;
              retrieval_model: string;
              feature_spec_hash: string;
              dimensions: number;
              counts: {
                items: number;
                users: number;
                interactions: number;
              };
              metrics: {
                [key: string]: number;
              };
              vector_slot: string | null;
            };
          };
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      409: components["responses"]["Conflict"];
      413: components["responses"]["PayloadTooLarge"];
      429: components["responses"]["RateLimited"];
      500: components["responses"]["InternalError"];
    };
  };
  /** Unregister a release that does not serve */
  deleteV1AdminReleasesById: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** Unregister a release that does not serve */
      200: {
        headers: { [name: string]: unknown };
        content: {
          "application/json": {
            deleted: string;
          };
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      404: components["responses"]["NotFound"];
      409: components["responses"]["Conflict"];
      429: components["responses"]["RateLimited"];
      500: components["responses"]["InternalError"];
    };
  };
  /** Upload a release's KV records */
  postV1AdminReleasesByIdKv: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": {
          entries: ({
            key: string;
            value: string;
          })[];
        };
      };
    };
    responses: {
      /** Upload a release's KV records */
      200: {
        headers: { [name: string]: unknown };
        content: {
          "application/json": {
            written: number;
          };
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      409: components["responses"]["Conflict"];
      413: components["responses"]["PayloadTooLarge"];
      429: components["responses"]["RateLimited"];
      500: components["responses"]["InternalError"];
    };
  };
  /** Delete up to 500 of an unregistered release's KV records */
  postV1AdminReleasesByIdPurge: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** Delete up to 500 of an unregistered release's KV records */
      200: {
        headers: { [name: string]: unknown };
        content: {
          "application/json": {
            deleted: number;
            remaining: boolean;
          };
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      409: components["responses"]["Conflict"];
      429: components["responses"]["RateLimited"];
      500: components["responses"]["InternalError"];
    };
  };
  /** Make a release current */
  postV1AdminReleasesByIdActivate: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** Make a release current */
      200: {
        headers: { [name: string]: unknown };
        content: {
          "application/json": {
            pointer: {
              current: string;
              previous: string | null;
              canary: ({
                release: string;
                share: number;
              }) | null;
              vector_slots: {
                [key: string]: string;
              };
              updated_at: string;
            };
            changed: boolean;
          };
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      404: components["responses"]["NotFound"];
      409: components["responses"]["Conflict"];
      429: components["responses"]["RateLimited"];
      500: components["responses"]["InternalError"];
    };
  };
  /** Serve a release to a share of users */
  putV1AdminReleasesByIdCanary: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": {
          share: number;
        };
      };
    };
    responses: {
      /** Serve a release to a share of users */
      200: {
        headers: { [name: string]: unknown };
        content: {
          "application/json": {
            pointer: {
              current: string;
              previous: string | null;
              canary: ({
                release: string;
                share: number;
              }) | null;
              vector_slots: {
                [key: string]: string;
              };
              updated_at: string;
            };
          };
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      404: components["responses"]["NotFound"];
      409: components["responses"]["Conflict"];
      413: components["responses"]["PayloadTooLarge"];
      429: components["responses"]["RateLimited"];
      500: components["responses"]["InternalError"];
    };
  };
  /** List server keys (never a secret) */
  getV1AdminKeys: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** List server keys (never a secret) */
      200: {
        headers: { [name: string]: unknown };
        content: {
          "application/json": {
            keys: ({
              key_id: string;
              name: string;
              scopes: ("recommendations:read" | "events:write" | "admin")[];
              created_at: string;
            })[];
          };
        };
      };
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      429: components["responses"]["RateLimited"];
      500: components["responses"]["InternalError"];
    };
  };
  /** Create a server key */
  postV1AdminKeys: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": {
          name: string;
          scopes: ("recommendations:read" | "events:write" | "admin")[];
        };
      };
    };
    responses: {
      /** Create a server key */
      201: {
        headers: { [name: string]: unknown };
        content: {
          "application/json": {
            key_id: string;
            name: string;
            scopes: ("recommendations:read" | "events:write" | "admin")[];
            created_at: string;
            /** The secret: shown only in this answer. */
            key: string;
          };
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      409: components["responses"]["Conflict"];
      413: components["responses"]["PayloadTooLarge"];
      429: components["responses"]["RateLimited"];
      500: components["responses"]["InternalError"];
    };
  };
  /** Revoke a server key */
  deleteV1AdminKeysByKeyId: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        key_id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** Revoke a server key */
      200: {
        headers: { [name: string]: unknown };
        content: {
          "application/json": {
            key_id: string;
            revoked: true;
          };
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      404: components["responses"]["NotFound"];
      429: components["responses"]["RateLimited"];
      500: components["responses"]["InternalError"];
    };
  };
  /** The Worker's operational metrics */
  getV1AdminMetrics: {
    parameters: {
      query?: {
        format?: "prometheus" | "json";
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** Prometheus text, or JSON with `?format=json`. */
      200: {
        headers: { [name: string]: unknown };
        content: {
          "text/plain; version=0.0.4; charset=utf-8": string;
          "application/json": {
            generated_at: string;
            window_minutes: number;
            metrics: ({
              name: string;
              type: string;
              help: string;
              series: (({
                labels: {
                  [key: string]: string;
                };
                value: number;
              }) | ({
                labels: {
                  [key: string]: string;
                };
                buckets: ({
                  le: number | "+Inf";
                  count: number;
                })[];
                sum: number;
                count: number;
              }))[];
            })[];
            timeseries: {
              minutes: string[];
              series: {
                [key: string]: (number | null)[];
              };
              [key: string]: unknown;
            };
            /** Freshness, drift (PSI per feature), catalogue coverage and CTR by surface (docs/operations.md). */
            quality: {
              [key: string]: unknown;
            };
            alerts: ({
              rule: string;
              subject: string;
              state: "ok" | "firing" | "no_data";
              value: number | null;
              threshold: number;
              window: string;
            })[];
          };
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      429: components["responses"]["RateLimited"];
      500: components["responses"]["InternalError"];
    };
  };
  /** Search the listed catalogue (or read items by id) */
  getV1AdminItemsSearch: {
    parameters: {
      query?: {
        q?: string;
        category?: string;
        ids?: string;
        n?: number;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** Search the listed catalogue (or read items by id) */
      200: {
        headers: { [name: string]: unknown };
        content: {
          "application/json": {
            items: ({
              item_id: string;
              in_index: boolean;
              title?: string;
              category?: string;
              genres?: string[];
              released_at?: number;
              popularity?: number;
              sponsored?: boolean;
              status: {
                unsafe: boolean;
                available: boolean;
                blocked: boolean;
              };
            })[];
            searched?: number;
          };
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      429: components["responses"]["RateLimited"];
      500: components["responses"]["InternalError"];
    };
  };
  /** Every flagged or removed item, with its status */
  getV1AdminItemsFlagged: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** Every flagged or removed item, with its status */
      200: {
        headers: { [name: string]: unknown };
        content: {
          "application/json": {
            items: ({
              item_id: string;
              in_index: boolean;
              title?: string;
              category?: string;
              genres?: string[];
              released_at?: number;
              popularity?: number;
              sponsored?: boolean;
              status: {
                unsafe: boolean;
                available: boolean;
                blocked: boolean;
              };
            })[];
          };
        };
      };
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      429: components["responses"]["RateLimited"];
      500: components["responses"]["InternalError"];
    };
  };
  /** The configured experiments */
  getV1AdminExperiments: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** The configured experiments */
      200: {
        headers: { [name: string]: unknown };
        content: {
          "application/json": {
            experiments: ({
              id: string;
              traffic: number;
              surfaces: string[] | null;
              arms: ({
                name: string;
                weight: number;
                [key: string]: unknown;
              })[];
            })[];
          };
        };
      };
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      429: components["responses"]["RateLimited"];
      500: components["responses"]["InternalError"];
    };
  };
  /** An experiment's live per-arm report */
  getV1AdminExperimentsByExperimentId: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        experiment_id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** An experiment's live per-arm report */
      200: {
        headers: { [name: string]: unknown };
        content: {
          "application/json": components["schemas"]["ExperimentReport"];
        };
      };
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      404: components["responses"]["NotFound"];
      429: components["responses"]["RateLimited"];
      500: components["responses"]["InternalError"];
    };
  };
  /** A user's session snapshot */
  getV1AdminUsersByUserIdSession: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        user_id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** A user's session snapshot */
      200: {
        headers: { [name: string]: unknown };
        content: {
          "application/json": {
            user_id: string;
            recent: ({
              itemId: string;
              type: string;
              ts: number;
              value: number | null;
            })[];
            seen: string[];
            hidden: string[];
            interactionCount: number;
            [key: string]: unknown;
          };
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      429: components["responses"]["RateLimited"];
      500: components["responses"]["InternalError"];
    };
  };
}
