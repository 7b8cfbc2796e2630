/**
 * Generated from the server's OpenAPI document by `pnpm --filter @model-studio/server generate:client`.
 * Do not edit: change the route schemas and run it again (a test fails when this file is stale).
 */

export interface paths {
  '/v1/health': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Whether the server is up, and whether it runs on sandboxes */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Health'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/me': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Who the API key belongs to */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              user: components['schemas']['User'];
              key: components['schemas']['ApiKey'];
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        500: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/users': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** List users (admin) */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              users: components['schemas']['User'][];
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        500: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
      };
    };
    put?: never;
    /** Create a user (admin), optionally with a first API key */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /** @description Lower-case letters, digits and hyphens. */
            name: string;
            /** @default false */
            admin?: boolean;
            /**
             * @description Also create a key of this scope.
             * @enum {string}
             */
            key?: 'read' | 'write' | 'admin';
          };
        };
      };
      responses: {
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              user: components['schemas']['User'];
              key?: components['schemas']['CreatedApiKey'];
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        500: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/keys': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** List your API keys (admins: every key with ?all=true) */
    get: {
      parameters: {
        query?: {
          all?: 'true' | 'false';
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              keys: components['schemas']['ApiKey'][];
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        500: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
      };
    };
    put?: never;
    /** Create an API key (for yourself; admins may name another user). The key is shown once. */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /**
             * @default write
             * @enum {string}
             */
            scope?: 'read' | 'write' | 'admin';
            name?: string;
            /** @description Admins only: create the key for this user. */
            userId?: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['CreatedApiKey'];
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        500: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/keys/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /** Revoke an API key */
    delete: {
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
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ApiKey'];
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        500: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
      };
    };
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/models': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** List your models (a page in name order; with `include=summary`, what a dashboard card shows) */
    get: {
      parameters: {
        query?: {
          /** @description `summary`: each model with its counts, spend, consent, last job and a thumbnail link. */
          include?: 'summary';
          /** @description Models per page (default 50). */
          limit?: number;
          /** @description The `nextCursor` of the page before. */
          cursor?: string;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ModelList'];
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        500: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
      };
    };
    put?: never;
    /** Create a model (you own it) */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /** @description The model name. */
            name: string;
            /** @description Model settings (trigger word, class word, thresholds...), as `studio models create` takes them. */
            settings?: {
              [key: string]: unknown;
            };
          };
        };
      };
      responses: {
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ModelSummary'];
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        500: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/models/{model}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Overview: files per rating, spend so far, consent state, last job */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          /** @description The model name. */
          model: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ModelOverview'];
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        500: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/models/{model}/consent': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The model's consent record (null when none is recorded) */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          /** @description The model name. */
          model: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              consent: components['schemas']['Consent'] | null;
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        500: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
      };
    };
    /** Record the subject's consent (who, adult attestation, ratings, uses, evidence) */
    put: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          /** @description The model name. */
          model: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /** @description The person the model depicts, as on the evidence. */
            subject: string;
            /** @description Someone attested that the subject is an adult. */
            adultAttested: boolean;
            /** @description Who attested, and how. */
            attestedBy: string;
            /** @description Content ratings the subject agreed to, e.g. ["sfw"]. */
            allowedRatings: string[];
            allowedUses: ('swap' | 'train' | 'publish')[];
            /** @description ISO 8601 with offset, e.g. 2026-01-15T10:00:00Z. */
            obtainedAt: string;
            /** @description Where the evidence is kept (not the document itself). */
            evidenceRef: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              consent: components['schemas']['Consent'] | null;
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        500: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
      };
    };
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/models/{model}/consent/revoke': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Revoke consent: stops further processing; `deleteData` also deletes the model data everywhere */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          /** @description The model name. */
          model: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            reason: string;
            /** @default false */
            deleteData?: boolean;
            /** @default 0 */
            waitForRunMs?: number;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              consent: components['schemas']['Consent'] | null;
              deletedKeys: number;
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        500: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/models/{model}/sources': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The model's source photos */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          /** @description The model name. */
          model: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              sources: {
                number: number;
                name: string;
              }[];
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        500: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
      };
    };
    put?: never;
    /**
     * Upload source photos (one face each; the same person as the consent record)
     * @description Answers 200 with one result per file, accepted with its new name or refused with its reason.
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          /** @description The model name. */
          model: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'multipart/form-data': {
            /** @description The photos (JPEG, PNG or WebP), at most 50; the type is sniffed from the bytes. */
            files: string[];
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              results: components['schemas']['UploadResult'][];
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        500: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/models/{model}/targets': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The model's target photos per rating, with their stated provenance */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          /** @description The model name. */
          model: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              targets: {
                rating: string;
                number: number;
                name: string;
                origin?: string;
                rightsStatement?: string;
                adultsConsented?: boolean;
              }[];
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        500: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
      };
    };
    put?: never;
    /** Upload target photos of one rating, with their origin and your rights statement */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          /** @description The model name. */
          model: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'multipart/form-data': {
            /** @description The photos (JPEG, PNG or WebP), at most 50; the type is sniffed from the bytes. */
            files: string[];
            /** @description The content rating, e.g. `sfw`. */
            rating: string;
            /** @description Where the photos came from (a folder, URL, collection). */
            origin: string;
            /** @description Your statement that you hold the rights to use them. */
            rightsStatement: string;
            /**
             * @description For ratings other than `sfw`: everyone shown is an adult who consented.
             * @enum {string}
             */
            adultsConsented?: 'true' | 'false';
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              results: components['schemas']['UploadResult'][];
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        500: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/models/{model}/estimate': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Plan a run and price it (nothing is paid or journaled) */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          /** @description The model name. */
          model: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /** @description Default: every rating with targets that consent covers. */
            ratings?: string[];
            /** @description Default: every source. */
            sources?: number[];
            /** @description Default: every target of each rating. */
            targets?: number[];
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Estimate'];
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        500: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/models/{model}/status': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The model's work from its journal: units and stages by state, in-flight jobs, failures */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          /** @description The model name. */
          model: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ModelStatus'];
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        500: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/models/{model}/costs': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The model's cost ledger, summed per op and rating, with totals */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          /** @description The model name. */
          model: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ModelCosts'];
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        500: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/models/{model}/results': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Your results, each with a short-lived signed download URL from the storage that holds it, and one of the target photo it was made from */
    get: {
      parameters: {
        query?: {
          /** @description Link lifetime in seconds: 15 minutes by default, up to 7 days. */
          expiresIn?: number;
          /** @description Only these ratings (comma-separated). */
          rating?: string | string[];
          /** @description `enhanced` (default), `swapped`, `source` (comma-separated). */
          stage?: string | string[];
        };
        header?: never;
        path: {
          /** @description The model name. */
          model: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              results: components['schemas']['ResultLink'][];
              sandbox: boolean;
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        500: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/models/{model}/links': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Share links (7 days by default) to results: needs consent covering `publish` */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          /** @description The model name. */
          model: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /** @default 604800 */
            expiresIn?: number;
            ratings?: string[];
            /** @description Default: enhanced results. */
            stages?: ('enhanced' | 'swapped' | 'source')[];
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              links: components['schemas']['SignedLink'][];
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        500: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/credits': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Credits left on the face-swap provider account (MaxStudio; SANDBOX credits on a sandbox) */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Credits'];
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        500: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/models/{model}/captions': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The captions of the results, each with its check */
    get: {
      parameters: {
        query?: {
          state?: 'generated' | 'reviewed' | 'edited';
          rating?: string;
          match?: string;
        };
        header?: never;
        path: {
          /** @description The model name. */
          model: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              captions: components['schemas']['Caption'][];
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        500: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/models/{model}/captions/{name}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    /** Set one caption's text (a person's edit; unchanged text accepts it as reviewed) */
    patch: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          /** @description The model name. */
          model: string;
          /** @description The result file name. */
          name: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            text: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['CaptionChanges'];
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        500: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
      };
    };
    trace?: never;
  };
  '/v1/models/{model}/captions/edits': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Prefix, suffix or regex-replace captions (`dryRun` previews every change) */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          /** @description The model name. */
          model: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /** @enum {string} */
            action: 'prefix' | 'suffix' | 'replace';
            /** @description The prefix, suffix or replacement (`$1` groups allowed). */
            text: string;
            /** @description For `replace`: the regular expression. */
            pattern?: string;
            /** @description For `replace`: regex flags. Default `g`. */
            flags?: string;
            /** @default false */
            dryRun?: boolean;
            filter?: components['schemas']['CaptionFilterInput'];
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['CaptionChanges'];
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        500: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/models/{model}/captions/reviewed': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Mark captions as reviewed (accepted as they are) */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          /** @description The model name. */
          model: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /** @default false */
            dryRun?: boolean;
            filter?: components['schemas']['CaptionFilterInput'];
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['CaptionChanges'];
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        500: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/models/{model}/captions/undo': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Undo the last caption edit (or the one named) */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          /** @description The model name. */
          model: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            operation?: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              undone: {
                id: string;
                kind: string;
                description: string;
              };
              restored: string[];
              skipped: string[];
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        500: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/models/{model}/datasets': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The model's built dataset versions */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          /** @description The model name. */
          model: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              datasets: components['schemas']['Dataset'][];
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        500: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
      };
    };
    put?: never;
    /** Build a dataset version from the captioned, scored results (images + captions + manifest) */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          /** @description The model name. */
          model: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /** @default v1 */
            version?: string;
            ratings?: string[];
            minScore?: number;
            allowUnreviewed?: boolean;
            /** @description The base model family, e.g. `flux`, `sdxl`. */
            family?: string;
            repeats?: number;
          };
        };
      };
      responses: {
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Dataset'];
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        500: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/models/{model}/trainings/preflight': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** The checks before paying: config validity, images and captions, LoRA size, GPU memory, cost */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          /** @description The model name. */
          model: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /** @default v1 */
            dataset?: string;
            /**
             * @default simpletuner
             * @enum {string}
             */
            engine?: 'simpletuner' | 'ai-toolkit';
            steps?: number;
            rank?: number;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Preflight'];
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        500: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/models/{model}/loras': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The model's trained LoRA versions, oldest first, the final one marked */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          /** @description The model name. */
          model: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              loras: components['schemas']['LoraVersion'][];
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        500: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/models/{model}/loras/compare': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Compare two LoRA versions: engines, config differences, artifacts, loss, samples' identity */
    get: {
      parameters: {
        query: {
          /** @description The LoRA version. */
          a: string;
          /** @description The LoRA version. */
          b: string;
        };
        header?: never;
        path: {
          /** @description The model name. */
          model: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['LoraComparison'];
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        500: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/models/{model}/loras/{version}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** One LoRA version: its record, config, loss curve, whether it is final */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          /** @description The model name. */
          model: string;
          /** @description The LoRA version. */
          version: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['LoraDetails'];
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        500: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/models/{model}/loras/{version}/promote': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Mark a version as the final LoRA */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          /** @description The model name. */
          model: string;
          /** @description The LoRA version. */
          version: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              version: string;
              sha256: string;
            } & {
              [key: string]: unknown;
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        500: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/models/{model}/loras/{version}/links': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** A signed download URL of the version's .safetensors file (15 minutes by default, up to 7 days) */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          /** @description The model name. */
          model: string;
          /** @description The LoRA version. */
          version: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /** @default 900 */
            expiresIn?: number;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              name: string;
              url: string;
              expiresAt: string;
              sha256: string;
              size: number;
              sandbox: boolean;
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        500: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/models/{model}/loras/{version}/samples': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** A LoRA version's validation samples, each with a short-lived signed download URL */
    get: {
      parameters: {
        query?: {
          /** @description Seconds the URLs stay valid. */
          expiresIn?: number;
        };
        header?: never;
        path: {
          /** @description The model name. */
          model: string;
          /** @description The LoRA version. */
          version: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['LoraSamples'];
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        500: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/models/{model}/runs': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Run the model (swap, verify, enhance): a background job (202) */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          /** @description The model name. */
          model: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /** @description Source numbers (default: every one). */
            sources?: number[];
            /** @description Target numbers (default: every one). */
            targets?: number[];
            /** @description Ratings (default: every rating consent covers). */
            ratings?: string[];
            /** @description The most this job may spend, in credits: it stops (resumable) before going over. */
            budget?: number;
            /** @description Units in flight at once. */
            concurrency?: number;
          };
        };
      };
      responses: {
        /** @description Default Response */
        202: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Job'];
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        500: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/models/{model}/resume': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Resume the model's planned run: a background job (202) */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          /** @description The model name. */
          model: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /** @description The most this job may spend, in credits: it stops (resumable) before going over. */
            budget?: number;
            /** @description Resubmit units whose earlier submission is uncertain (may pay twice for them). */
            resubmitUncertain?: boolean;
          };
        };
      };
      responses: {
        /** @description Default Response */
        202: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Job'];
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        500: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/models/{model}/captions/jobs': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Caption the results: a background job (202) */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          /** @description The model name. */
          model: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /** @description Ratings to caption (default: every one). */
            ratings?: string[];
            /** @description The most this job may spend, in credits: it stops (resumable) before going over. */
            budget?: number;
          };
        };
      };
      responses: {
        /** @description Default Response */
        202: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Job'];
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        500: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/models/{model}/trainings': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Train a LoRA on a dataset: a background job (202) */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          /** @description The model name. */
          model: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /**
             * @description The dataset version to train on (built first).
             * @default v1
             */
            dataset?: string;
            /** @description The LoRA version to write (default: the dataset version). */
            version?: string;
            /** @description Training steps (SimpleTuner's `max_train_steps`, ai-toolkit's `train.steps`). */
            steps?: number;
            /** @description LoRA rank (SimpleTuner's `lora_rank`, ai-toolkit's `network.linear`). */
            rank?: number;
            /**
             * @description Which program trains (default: the engine of an earlier attempt of this version, else simpletuner); a version started with another engine is refused.
             * @enum {string}
             */
            engine?: 'simpletuner' | 'ai-toolkit';
            /** @description The most this training may spend, in USD. */
            budgetUsd?: number;
            /** @description Start again after a start whose answer was lost. */
            resubmitUncertain?: boolean;
          };
        };
      };
      responses: {
        /** @description Default Response */
        202: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Job'];
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        500: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/jobs': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Your jobs, newest first */
    get: {
      parameters: {
        query?: {
          /** @description Only this model. */
          model?: string;
          /** @description Only jobs in this state. */
          state?: 'queued' | 'running' | 'completed' | 'failed' | 'cancelled' | 'stopped';
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              jobs: components['schemas']['Job'][];
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        500: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/jobs/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** A job: its state, result or error */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          /** @description The job id. */
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Job'];
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        500: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/jobs/{id}/cancel': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Cancel a job (a running one stops cleanly; jobs in flight stay journaled for a resume) */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          /** @description The job id. */
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Job'];
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        500: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/jobs/{id}/resume': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Queue a stopped, failed or cancelled job again (the journal skips what is done) */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          /** @description The job id. */
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        202: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Job'];
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        500: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/jobs/{id}/events': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * A job's live events: WebSocket upgrade, or Server-Sent Events with `Accept: text/event-stream`
     * @description Replays the events logged so far (after `after` / `Last-Event-ID`), then streams new ones until the job ends. WebSocket: one JSON message per event (`{ seq, at, type, data }`), then `{ type: "end", job }`, then close 1000. SSE: `id: <seq>`, `event: <type>`, `data: <JSON event>`, then `event: end`.
     */
    get: {
      parameters: {
        query?: {
          /** @description Skip events up to this `seq` (an SSE client may send `Last-Event-ID` instead). */
          after?: number;
        };
        header?: never;
        path: {
          /** @description The job id. */
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        406: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        500: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/webhooks': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Your webhooks (without secrets) */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              webhooks: components['schemas']['Webhook'][];
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        500: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
      };
    };
    put?: never;
    /** Register a webhook for the ends of your jobs (its secret is shown once) */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /**
             * Format: uri
             * @description Where deliveries are POSTed (http or https).
             */
            url: string;
            /** @description The job ends to deliver (default: all of them). */
            events?: ('job.completed' | 'job.failed' | 'job.stopped' | 'job.cancelled')[];
            description?: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['CreatedWebhook'];
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        500: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/webhooks/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /** Delete one of your webhooks */
    delete: {
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
        /** @description Deleted. */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        500: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Problem'];
          };
        };
      };
    };
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
}
export type webhooks = Record<string, never>;
export interface components {
  schemas: {
    ProblemInput: {
      /** @description A URI naming the kind of problem: `urn:model-studio:problem:<code>`. */
      type: string;
      /** @description A short summary of the kind of problem. */
      title: string;
      status: number;
      /** @description What went wrong and what to do next. */
      detail: string;
      /** @description The request path. */
      instance: string;
      /** @description The typed error name: `ValidationError`, `ConsentError`, `NotFoundError`, `ModelBusyError`, ... */
      code: string;
      requestId: string;
      /** @description The next step as data, when the library gives one. */
      hint?: {
        action: string;
        model: string;
        rating?: string;
      };
    };
    JobInput: {
      id: string;
      /** @description `run`, `resume`, `caption` or `train`. */
      type: string;
      model: string;
      /** @description The user who asked. */
      owner: string;
      /** @description What was asked (the body of the request that made the job). */
      params: unknown;
      /**
       * @description `stopped`: ended early on purpose (budget, credits) and resumable; `cancelled`: cancelled by its owner.
       * @enum {string}
       */
      state: 'queued' | 'running' | 'completed' | 'failed' | 'cancelled' | 'stopped';
      createdAt: string;
      startedAt?: string;
      endedAt?: string;
      /** @description How many times a worker started it (a takeover or a resume adds one). */
      attempts: number;
      /** @description The run summary (or training summary), with `sandbox: true` when sandboxes ran. */
      result?: unknown;
      /** @description The typed error name and message. */
      error?: {
        name: string;
        message: string;
      };
      cancelRequested?: boolean;
      worker?: string;
    };
    UserInput: {
      id: string;
      name: string;
      admin: boolean;
      createdAt: string;
    };
    ApiKeyInput: {
      id: string;
      userId: string;
      /** @description The first 8 characters of the key. */
      prefix: string;
      /** @enum {string} */
      scope: 'read' | 'write' | 'admin';
      name?: string;
      createdAt: string;
      /** @description Updated at most once a minute. */
      lastUsedAt?: string;
      revokedAt?: string;
    };
    CreatedApiKeyInput: {
      key: components['schemas']['ApiKeyInput'];
      /** @description The API key: shown once, stored only as a hash. */
      secret: string;
    };
    CaptionFilterInput: {
      state?: ('generated' | 'reviewed' | 'edited')[];
      rating?: string;
      /** @description `captioner`, `person`, `imported`, or a captioner provider. */
      source?: string;
      /** @description A regular expression the caption must match. */
      match?: string;
      overTokens?: boolean | number;
      /** @description Only these images (result file names). */
      names?: string[];
    };
    CaptionChangesInput: {
      /** @description The operation id, for undo (absent in a dry run). */
      operation?: string;
      dryRun: boolean;
      changes: {
        name: string;
        before: string;
        after: string;
        issues: string[];
      }[];
    };
    CaptionInput: {
      name: string;
      rating: string;
      text: string;
      /** @enum {string} */
      state: 'generated' | 'reviewed' | 'edited';
      /** @description Who wrote the current text: `captioner`, `person` or `imported`. */
      source: string;
      at: string;
      valid: boolean;
      /** @description `empty`, `trigger-missing`, `trigger-repeated`, `too-long`, `artifact`. */
      issues: string[];
    };
    CreditsInput: {
      /** @description Whether the provider told its balance (`balance` is set only then). */
      known: boolean;
      /** @description Credits left on the face-swap provider account this server uses. */
      balance?: number;
      /** @constant */
      unit: 'credits';
      /** @description Which provider answered: `SANDBOX: ...` when it is a sandbox. */
      provider: string;
      /** @description True for a sandbox balance: no real credits. */
      sandbox: boolean;
      checkedAt: string;
      /** @description What the figure is (or why there is none) and what to do. */
      note: string;
    };
    DatasetInput: {
      model: string;
      version: string;
      prefix: string;
      manifestKey: string;
      archiveKey: string;
      selected: string[];
      rejected: {
        name: string;
        reason: string;
        detail?: string;
      }[];
      alreadyBuilt?: boolean;
    };
    HealthInput: {
      /** @constant */
      status: 'ok';
      /** @description True when results come from sandboxes (no real provider is configured): SANDBOX. */
      sandbox: boolean;
      /** @description The face-swap provider, e.g. `MaxStudio sandbox (in-process ...)`. */
      provider: string;
      /** @description `embedded` or `bullmq`. */
      queue: string;
    };
    LoraVersionInput: {
      version: string;
      family: string;
      engine?: string;
      createdAt: string;
      datasetVersion?: string;
      /** @description True when a sandbox trainer made it: a SANDBOX file, not a trained model. */
      sandbox: boolean;
      final: boolean;
      artifact: {
        file: string;
        sha256: string;
        size: number;
        rank: number;
      } & {
        [key: string]: unknown;
      };
      metrics: {
        steps: number;
      } & {
        [key: string]: unknown;
      };
    } & {
      [key: string]: unknown;
    };
    ConsentInput: {
      /** @description The person the model depicts, as on the evidence. */
      subject: string;
      /** @description Someone attested that the subject is an adult. */
      adultAttested: boolean;
      /** @description Who attested, and how. */
      attestedBy: string;
      /** @description Content ratings the subject agreed to, e.g. ["sfw"]. */
      allowedRatings: string[];
      allowedUses: ('swap' | 'train' | 'publish')[];
      /** @description ISO 8601 with offset, e.g. 2026-01-15T10:00:00Z. */
      obtainedAt: string;
      /** @description Where the evidence is kept (not the document itself). */
      evidenceRef: string;
      revokedAt?: string;
      revokedReason?: string;
    };
    ModelSummaryInput: {
      name: string;
      createdAt?: string;
    };
    ModelCardInput: {
      sources: number;
      /** @description Targets stored, per rating. */
      targets: {
        [key: string]: number;
      };
      /** @description Enhanced results stored, per rating. */
      results: {
        [key: string]: number;
      };
      /** @enum {string} */
      consent: 'none' | 'revoked' | 'recorded';
      allowedRatings: string[];
      /** @description Spend so far, per unit of account (credits, usd). */
      costs: {
        unitOfAccount: string;
        actual: number;
        reserved: number;
        uncertain: number;
        estimate: number;
      }[];
      /** @description The model's newest job. */
      lastJob?: {
        id: string;
        type: string;
        state: string;
        createdAt: string;
      };
      /** @description Absent when the model has no source photo. */
      thumbnail?: {
        /** @description Signed GET URL (short-lived) of a small copy (at most 400 px) of the model's first source photo, or of the photo itself when no copy can be made. */
        url: string;
        expiresAt: string;
      };
    };
    ModelListInput: {
      models: {
        name: string;
        createdAt?: string;
        summary?: components['schemas']['ModelCardInput'];
      }[];
      /** @description Pass as `cursor` for the next page; absent on the last page. */
      nextCursor?: string;
      /** @description True when the server runs on sandboxes. */
      sandbox: boolean;
    };
    ModelOverviewInput: {
      name: string;
      sources: number;
      /** @description Targets stored, per rating. */
      targets: {
        [key: string]: number;
      };
      /** @description Enhanced results stored, per rating. */
      results: {
        [key: string]: number;
      };
      /** @enum {string} */
      consent: 'none' | 'revoked' | 'recorded';
      allowedRatings: string[];
      /** @description Spend so far, per unit of account (credits, usd). */
      costs: {
        unitOfAccount: string;
        actual: number;
        reserved: number;
        uncertain: number;
        estimate: number;
      }[];
      /** @description The model's newest job. */
      lastJob?: {
        id: string;
        type: string;
        state: string;
        createdAt: string;
      };
      /** @description True when the server runs on sandboxes: results are SANDBOX results. */
      sandbox: boolean;
    };
    SignedLinkInput: {
      name: string;
      /** @description Signed GET URL: anyone holding it can download the file until it expires. */
      url: string;
      expiresAt: string;
      /** @enum {string} */
      stage: 'enhanced' | 'swapped' | 'source';
      rating?: string;
      /** @description The storage that signed it: `local` or `s3`. */
      storage: string;
      /** @enum {string} */
      reachableFrom: 'internet' | 'private-network' | 'this-machine';
    };
    TargetLinkInput: {
      /** @description The target photo, e.g. `andie-t003.jpg`. */
      name: string;
      /** @description Signed GET URL, as short-lived as the result link. */
      url: string;
      expiresAt: string;
    };
    ResultLinkInput: {
      name: string;
      /** @description Signed GET URL: anyone holding it can download the file until it expires. */
      url: string;
      expiresAt: string;
      /** @enum {string} */
      stage: 'enhanced' | 'swapped' | 'source';
      rating?: string;
      /** @description The storage that signed it: `local` or `s3`. */
      storage: string;
      /** @enum {string} */
      reachableFrom: 'internet' | 'private-network' | 'this-machine';
      /** @description For a result (not a source): the target photo it was made from, for a before/after comparison; absent when that target is no longer stored or the storage cannot sign it. */
      target?: components['schemas']['TargetLinkInput'];
    };
    LoraSamplesInput: {
      version: string;
      /** @description True when a sandbox trainer made the version: its samples are SANDBOX images. */
      sandbox: boolean;
      /** @description When the signed URLs stop working (ISO 8601). */
      expiresAt: string;
      samples: {
        /** @description The file name under the version's `samples/` folder. */
        file: string;
        prompt?: string;
        /** @description A short-lived signed GET URL of the image. */
        url: string;
      }[];
    };
    UploadResultInput: {
      /** @description The uploaded file name. */
      name: string;
      accepted: boolean;
      /** @description Its new name, e.g. `andie-source-3.jpg`, when accepted. */
      storedName?: string;
      reason?: {
        /** @description `not-an-image`, `unsupported-format`, `animated`, `unreadable`, `too-small`, ... */
        code: string;
        message: string;
        /** @enum {string} */
        category: 'file' | 'duplicate' | 'face' | 'consent';
      };
      duplicateOf?: string;
      warnings?: {
        code: string;
        message: string;
      }[];
    };
    WebhookInput: {
      id: string;
      url: string;
      events: ('job.completed' | 'job.failed' | 'job.stopped' | 'job.cancelled')[];
      description?: string;
      createdAt: string;
    };
    CreatedWebhookInput: {
      id: string;
      url: string;
      events: ('job.completed' | 'job.failed' | 'job.stopped' | 'job.cancelled')[];
      description?: string;
      createdAt: string;
      /** @description The signing secret (`whsec_...`), shown only now: verify deliveries with it (Standard Webhooks headers). */
      secret: string;
    };
    EstimateInput: {
      /** @description Units (source x target x rating) in the plan. */
      units: number;
      ratings: string[];
      perOp: {
        [key: string]: {
          count: number;
          amount: number;
          unit: string;
        };
      };
      total: {
        [key: string]: number;
      };
      alreadyDone: number;
      note: string;
      sandbox: boolean;
    };
    ModelStatusInput: {
      model: string;
      units: {
        total: number;
        done: number;
        pending: number;
        inFlight: number;
        uncertain: number;
        failed: number;
      };
      stages: {
        total: number;
        done: number;
        pending: number;
        inFlight: number;
        uncertain: number;
        failed: number;
      };
      inFlight: {
        stageId: string;
        unitId: string;
        jobId: string;
        op: string;
      }[];
      uncertain: string[];
      failed: {
        unitId: string;
        stageId?: string;
        stage: string;
        code: string;
        message: string;
        retryable: boolean;
      }[];
    };
    ModelCostsInput: {
      model: string;
      rows: {
        unitOfAccount: string;
        actual: number;
        reserved: number;
        uncertain: number;
        estimate: number;
        committed: number;
        op?: string;
        rating?: string;
      }[];
      totals: {
        unitOfAccount: string;
        actual: number;
        reserved: number;
        uncertain: number;
        estimate: number;
        committed: number;
      }[];
      note?: string;
      skippedLines: number;
    };
    PreflightInput: {
      ok: boolean;
      engine: string;
      findings: ({
        severity: string;
        message: string;
      } & {
        [key: string]: unknown;
      })[];
      estimates: {
        [key: string]: number | string;
      };
    };
    LoraComparisonInput: {
      [key: string]: unknown;
    };
    LoraDetailsInput: {
      [key: string]: unknown;
    };
    Problem: {
      /** @description A URI naming the kind of problem: `urn:model-studio:problem:<code>`. */
      type: string;
      /** @description A short summary of the kind of problem. */
      title: string;
      status: number;
      /** @description What went wrong and what to do next. */
      detail: string;
      /** @description The request path. */
      instance: string;
      /** @description The typed error name: `ValidationError`, `ConsentError`, `NotFoundError`, `ModelBusyError`, ... */
      code: string;
      requestId: string;
      /** @description The next step as data, when the library gives one. */
      hint?: {
        action: string;
        model: string;
        rating?: string;
      };
    };
    Job: {
      id: string;
      /** @description `run`, `resume`, `caption` or `train`. */
      type: string;
      model: string;
      /** @description The user who asked. */
      owner: string;
      /** @description What was asked (the body of the request that made the job). */
      params: unknown;
      /**
       * @description `stopped`: ended early on purpose (budget, credits) and resumable; `cancelled`: cancelled by its owner.
       * @enum {string}
       */
      state: 'queued' | 'running' | 'completed' | 'failed' | 'cancelled' | 'stopped';
      createdAt: string;
      startedAt?: string;
      endedAt?: string;
      /** @description How many times a worker started it (a takeover or a resume adds one). */
      attempts: number;
      /** @description The run summary (or training summary), with `sandbox: true` when sandboxes ran. */
      result?: unknown;
      /** @description The typed error name and message. */
      error?: {
        name: string;
        message: string;
      };
      cancelRequested?: boolean;
      worker?: string;
    };
    User: {
      id: string;
      name: string;
      admin: boolean;
      createdAt: string;
    };
    ApiKey: {
      id: string;
      userId: string;
      /** @description The first 8 characters of the key. */
      prefix: string;
      /** @enum {string} */
      scope: 'read' | 'write' | 'admin';
      name?: string;
      createdAt: string;
      /** @description Updated at most once a minute. */
      lastUsedAt?: string;
      revokedAt?: string;
    };
    CreatedApiKey: {
      key: components['schemas']['ApiKey'];
      /** @description The API key: shown once, stored only as a hash. */
      secret: string;
    };
    CaptionFilter: {
      state?: ('generated' | 'reviewed' | 'edited')[];
      rating?: string;
      /** @description `captioner`, `person`, `imported`, or a captioner provider. */
      source?: string;
      /** @description A regular expression the caption must match. */
      match?: string;
      overTokens?: boolean | number;
      /** @description Only these images (result file names). */
      names?: string[];
    };
    CaptionChanges: {
      /** @description The operation id, for undo (absent in a dry run). */
      operation?: string;
      dryRun: boolean;
      changes: {
        name: string;
        before: string;
        after: string;
        issues: string[];
      }[];
    };
    Caption: {
      name: string;
      rating: string;
      text: string;
      /** @enum {string} */
      state: 'generated' | 'reviewed' | 'edited';
      /** @description Who wrote the current text: `captioner`, `person` or `imported`. */
      source: string;
      at: string;
      valid: boolean;
      /** @description `empty`, `trigger-missing`, `trigger-repeated`, `too-long`, `artifact`. */
      issues: string[];
    };
    Credits: {
      /** @description Whether the provider told its balance (`balance` is set only then). */
      known: boolean;
      /** @description Credits left on the face-swap provider account this server uses. */
      balance?: number;
      /** @constant */
      unit: 'credits';
      /** @description Which provider answered: `SANDBOX: ...` when it is a sandbox. */
      provider: string;
      /** @description True for a sandbox balance: no real credits. */
      sandbox: boolean;
      checkedAt: string;
      /** @description What the figure is (or why there is none) and what to do. */
      note: string;
    };
    Dataset: {
      model: string;
      version: string;
      prefix: string;
      manifestKey: string;
      archiveKey: string;
      selected: string[];
      rejected: {
        name: string;
        reason: string;
        detail?: string;
      }[];
      alreadyBuilt?: boolean;
    };
    Health: {
      /** @constant */
      status: 'ok';
      /** @description True when results come from sandboxes (no real provider is configured): SANDBOX. */
      sandbox: boolean;
      /** @description The face-swap provider, e.g. `MaxStudio sandbox (in-process ...)`. */
      provider: string;
      /** @description `embedded` or `bullmq`. */
      queue: string;
    };
    LoraVersion: {
      version: string;
      family: string;
      engine?: string;
      createdAt: string;
      datasetVersion?: string;
      /** @description True when a sandbox trainer made it: a SANDBOX file, not a trained model. */
      sandbox: boolean;
      final: boolean;
      artifact: {
        file: string;
        sha256: string;
        size: number;
        rank: number;
      } & {
        [key: string]: unknown;
      };
      metrics: {
        steps: number;
      } & {
        [key: string]: unknown;
      };
    } & {
      [key: string]: unknown;
    };
    Consent: {
      /** @description The person the model depicts, as on the evidence. */
      subject: string;
      /** @description Someone attested that the subject is an adult. */
      adultAttested: boolean;
      /** @description Who attested, and how. */
      attestedBy: string;
      /** @description Content ratings the subject agreed to, e.g. ["sfw"]. */
      allowedRatings: string[];
      allowedUses: ('swap' | 'train' | 'publish')[];
      /** @description ISO 8601 with offset, e.g. 2026-01-15T10:00:00Z. */
      obtainedAt: string;
      /** @description Where the evidence is kept (not the document itself). */
      evidenceRef: string;
      revokedAt?: string;
      revokedReason?: string;
    };
    ModelSummary: {
      name: string;
      createdAt?: string;
    };
    ModelCard: {
      sources: number;
      /** @description Targets stored, per rating. */
      targets: {
        [key: string]: number;
      };
      /** @description Enhanced results stored, per rating. */
      results: {
        [key: string]: number;
      };
      /** @enum {string} */
      consent: 'none' | 'revoked' | 'recorded';
      allowedRatings: string[];
      /** @description Spend so far, per unit of account (credits, usd). */
      costs: {
        unitOfAccount: string;
        actual: number;
        reserved: number;
        uncertain: number;
        estimate: number;
      }[];
      /** @description The model's newest job. */
      lastJob?: {
        id: string;
        type: string;
        state: string;
        createdAt: string;
      };
      /** @description Absent when the model has no source photo. */
      thumbnail?: {
        /** @description Signed GET URL (short-lived) of a small copy (at most 400 px) of the model's first source photo, or of the photo itself when no copy can be made. */
        url: string;
        expiresAt: string;
      };
    };
    ModelList: {
      models: {
        name: string;
        createdAt?: string;
        summary?: components['schemas']['ModelCard'];
      }[];
      /** @description Pass as `cursor` for the next page; absent on the last page. */
      nextCursor?: string;
      /** @description True when the server runs on sandboxes. */
      sandbox: boolean;
    };
    ModelOverview: {
      name: string;
      sources: number;
      /** @description Targets stored, per rating. */
      targets: {
        [key: string]: number;
      };
      /** @description Enhanced results stored, per rating. */
      results: {
        [key: string]: number;
      };
      /** @enum {string} */
      consent: 'none' | 'revoked' | 'recorded';
      allowedRatings: string[];
      /** @description Spend so far, per unit of account (credits, usd). */
      costs: {
        unitOfAccount: string;
        actual: number;
        reserved: number;
        uncertain: number;
        estimate: number;
      }[];
      /** @description The model's newest job. */
      lastJob?: {
        id: string;
        type: string;
        state: string;
        createdAt: string;
      };
      /** @description True when the server runs on sandboxes: results are SANDBOX results. */
      sandbox: boolean;
    };
    SignedLink: {
      name: string;
      /** @description Signed GET URL: anyone holding it can download the file until it expires. */
      url: string;
      expiresAt: string;
      /** @enum {string} */
      stage: 'enhanced' | 'swapped' | 'source';
      rating?: string;
      /** @description The storage that signed it: `local` or `s3`. */
      storage: string;
      /** @enum {string} */
      reachableFrom: 'internet' | 'private-network' | 'this-machine';
    };
    TargetLink: {
      /** @description The target photo, e.g. `andie-t003.jpg`. */
      name: string;
      /** @description Signed GET URL, as short-lived as the result link. */
      url: string;
      expiresAt: string;
    };
    ResultLink: {
      name: string;
      /** @description Signed GET URL: anyone holding it can download the file until it expires. */
      url: string;
      expiresAt: string;
      /** @enum {string} */
      stage: 'enhanced' | 'swapped' | 'source';
      rating?: string;
      /** @description The storage that signed it: `local` or `s3`. */
      storage: string;
      /** @enum {string} */
      reachableFrom: 'internet' | 'private-network' | 'this-machine';
      /** @description For a result (not a source): the target photo it was made from, for a before/after comparison; absent when that target is no longer stored or the storage cannot sign it. */
      target?: components['schemas']['TargetLink'];
    };
    LoraSamples: {
      version: string;
      /** @description True when a sandbox trainer made the version: its samples are SANDBOX images. */
      sandbox: boolean;
      /** @description When the signed URLs stop working (ISO 8601). */
      expiresAt: string;
      samples: {
        /** @description The file name under the version's `samples/` folder. */
        file: string;
        prompt?: string;
        /** @description A short-lived signed GET URL of the image. */
        url: string;
      }[];
    };
    UploadResult: {
      /** @description The uploaded file name. */
      name: string;
      accepted: boolean;
      /** @description Its new name, e.g. `andie-source-3.jpg`, when accepted. */
      storedName?: string;
      reason?: {
        /** @description `not-an-image`, `unsupported-format`, `animated`, `unreadable`, `too-small`, ... */
        code: string;
        message: string;
        /** @enum {string} */
        category: 'file' | 'duplicate' | 'face' | 'consent';
      };
      duplicateOf?: string;
      warnings?: {
        code: string;
        message: string;
      }[];
    };
    Webhook: {
      id: string;
      url: string;
      events: ('job.completed' | 'job.failed' | 'job.stopped' | 'job.cancelled')[];
      description?: string;
      createdAt: string;
    };
    CreatedWebhook: {
      id: string;
      url: string;
      events: ('job.completed' | 'job.failed' | 'job.stopped' | 'job.cancelled')[];
      description?: string;
      createdAt: string;
      /** @description The signing secret (`whsec_...`), shown only now: verify deliveries with it (Standard Webhooks headers). */
      secret: string;
    };
    Estimate: {
      /** @description Units (source x target x rating) in the plan. */
      units: number;
      ratings: string[];
      perOp: {
        [key: string]: {
          count: number;
          amount: number;
          unit: string;
        };
      };
      total: {
        [key: string]: number;
      };
      alreadyDone: number;
      note: string;
      sandbox: boolean;
    };
    ModelStatus: {
      model: string;
      units: {
        total: number;
        done: number;
        pending: number;
        inFlight: number;
        uncertain: number;
        failed: number;
      };
      stages: {
        total: number;
        done: number;
        pending: number;
        inFlight: number;
        uncertain: number;
        failed: number;
      };
      inFlight: {
        stageId: string;
        unitId: string;
        jobId: string;
        op: string;
      }[];
      uncertain: string[];
      failed: {
        unitId: string;
        stageId?: string;
        stage: string;
        code: string;
        message: string;
        retryable: boolean;
      }[];
    };
    ModelCosts: {
      model: string;
      rows: {
        unitOfAccount: string;
        actual: number;
        reserved: number;
        uncertain: number;
        estimate: number;
        committed: number;
        op?: string;
        rating?: string;
      }[];
      totals: {
        unitOfAccount: string;
        actual: number;
        reserved: number;
        uncertain: number;
        estimate: number;
        committed: number;
      }[];
      note?: string;
      skippedLines: number;
    };
    Preflight: {
      ok: boolean;
      engine: string;
      findings: ({
        severity: string;
        message: string;
      } & {
        [key: string]: unknown;
      })[];
      estimates: {
        [key: string]: number | string;
      };
    };
    LoraComparison: {
      [key: string]: unknown;
    };
    LoraDetails: {
      [key: string]: unknown;
    };
  };
  responses: never;
  parameters: never;
  requestBodies: never;
  headers: never;
  pathItems: never;
}
export type $defs = Record<string, never>;
export type operations = Record<string, never>;
