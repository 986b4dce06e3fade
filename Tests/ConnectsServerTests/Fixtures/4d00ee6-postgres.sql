--
-- PostgreSQL database dump
--


-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)
-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: entries_are_append_only(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.entries_are_append_only() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN RAISE EXCEPTION 'entries are append-only'; END $$;


--
-- Name: events_fan_out(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.events_fan_out() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
  INSERT INTO deliveries (webhook_id, event_seq, account_id, state, next_attempt_at)
  SELECT id, NEW.seq, NEW.account_id, 'pending', NEW.created_at FROM webhooks
  WHERE deleted_at IS NULL AND (',' || events || ',' LIKE '%,' || NEW.type || ',%' OR events = '*');
  RETURN NULL;
END $$;


SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: accounts; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.accounts (
    id text NOT NULL COLLATE pg_catalog."C",
    external_id text NOT NULL,
    kind text NOT NULL,
    name text,
    plan text,
    pending_plan text,
    status text NOT NULL,
    created_at bigint NOT NULL,
    balance_total bigint DEFAULT 0 NOT NULL,
    balance_held bigint DEFAULT 0 NOT NULL,
    last_sequence bigint DEFAULT 0 NOT NULL,
    last_hash text DEFAULT ''::text NOT NULL,
    billing_day bigint,
    cycle_start bigint,
    next_cycle_at bigint,
    CONSTRAINT accounts_balance_total_check CHECK (((balance_total >= 0) AND (balance_total <= 1000000000))),
    CONSTRAINT accounts_billing_day_check CHECK (((billing_day >= 1) AND (billing_day <= 31))),
    CONSTRAINT accounts_check CHECK (((balance_held >= 0) AND (balance_held <= balance_total))),
    CONSTRAINT accounts_kind_check CHECK ((kind = ANY (ARRAY['freelancer'::text, 'client'::text, 'agency'::text]))),
    CONSTRAINT accounts_last_sequence_check CHECK ((last_sequence >= 0)),
    CONSTRAINT accounts_status_check CHECK ((status = ANY (ARRAY['active'::text, 'closed'::text])))
);


--
-- Name: agency_members; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.agency_members (
    agency_id text NOT NULL COLLATE pg_catalog."C",
    freelancer_id text NOT NULL COLLATE pg_catalog."C",
    created_at bigint NOT NULL
);


--
-- Name: api_keys; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.api_keys (
    id text NOT NULL COLLATE pg_catalog."C",
    secret_hash text NOT NULL,
    role text NOT NULL,
    account_id text COLLATE pg_catalog."C",
    created_at bigint NOT NULL,
    CONSTRAINT api_keys_check CHECK (((role = ANY (ARRAY['freelancer'::text, 'client'::text])) = (account_id IS NOT NULL))),
    CONSTRAINT api_keys_role_check CHECK ((role = ANY (ARRAY['admin'::text, 'service'::text, 'support'::text, 'freelancer'::text, 'client'::text])))
);


--
-- Name: deliveries; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.deliveries (
    webhook_id text NOT NULL COLLATE pg_catalog."C",
    event_seq bigint NOT NULL,
    account_id text NOT NULL COLLATE pg_catalog."C",
    state text NOT NULL,
    attempts bigint DEFAULT 0 NOT NULL,
    next_attempt_at bigint NOT NULL,
    last_error text,
    delivered_at bigint,
    CONSTRAINT deliveries_state_check CHECK ((state = ANY (ARRAY['pending'::text, 'delivered'::text, 'failed'::text])))
);


--
-- Name: entries; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.entries (
    id text NOT NULL COLLATE pg_catalog."C",
    account_id text NOT NULL COLLATE pg_catalog."C",
    sequence bigint NOT NULL,
    kind text NOT NULL,
    amount bigint NOT NULL,
    held bigint NOT NULL,
    total_after bigint NOT NULL,
    held_after bigint NOT NULL,
    created_at bigint NOT NULL,
    cause_type text NOT NULL,
    cause_id text NOT NULL,
    rule text,
    policy_version bigint,
    reason text,
    actor text NOT NULL,
    reverses text COLLATE pg_catalog."C",
    allocations text NOT NULL,
    event_key text,
    hold_id text COLLATE pg_catalog."C",
    unreversed bigint,
    ticket text,
    previous_hash text NOT NULL,
    hash text NOT NULL,
    CONSTRAINT entries_actor_check CHECK ((actor <> ''::text)),
    CONSTRAINT entries_amount_check CHECK (((amount >= '-100000'::integer) AND (amount <= 100000))),
    CONSTRAINT entries_cause_id_check CHECK ((cause_id <> ''::text)),
    CONSTRAINT entries_cause_type_check CHECK ((cause_type <> ''::text)),
    CONSTRAINT entries_check CHECK (((held_after >= 0) AND (held_after <= total_after))),
    CONSTRAINT entries_check1 CHECK (((kind <> ALL (ARRAY['adjustment'::text, 'reversal'::text])) OR (length(reason) > 0))),
    CONSTRAINT entries_held_check CHECK (((held >= '-100000'::integer) AND (held <= 100000))),
    CONSTRAINT entries_kind_check CHECK ((kind = ANY (ARRAY['grant'::text, 'reward'::text, 'purchase'::text, 'courtesy'::text, 'spend'::text, 'hold'::text, 'capture'::text, 'release'::text, 'return'::text, 'expire'::text, 'forfeit'::text, 'adjustment'::text, 'reversal'::text]))),
    CONSTRAINT entries_sequence_check CHECK ((sequence >= 1)),
    CONSTRAINT entries_total_after_check CHECK (((total_after >= 0) AND (total_after <= 1000000000)))
);


--
-- Name: events; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.events (
    seq bigint NOT NULL,
    id text NOT NULL COLLATE pg_catalog."C",
    type text NOT NULL,
    account_id text NOT NULL COLLATE pg_catalog."C",
    data text NOT NULL,
    created_at bigint NOT NULL,
    dedupe_key text
);


--
-- Name: events_seq_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.events ALTER COLUMN seq ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.events_seq_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: holds; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.holds (
    id text NOT NULL COLLATE pg_catalog."C",
    account_id text NOT NULL COLLATE pg_catalog."C",
    amount bigint NOT NULL,
    allocations text NOT NULL,
    state text NOT NULL,
    cause_type text NOT NULL,
    cause_id text NOT NULL,
    created_at bigint NOT NULL,
    CONSTRAINT holds_amount_check CHECK (((amount >= 1) AND (amount <= 100000))),
    CONSTRAINT holds_state_check CHECK ((state = ANY (ARRAY['open'::text, 'captured'::text, 'released'::text])))
);


--
-- Name: idempotency_records; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.idempotency_records (
    caller text NOT NULL,
    key text NOT NULL,
    fingerprint text NOT NULL,
    status bigint NOT NULL,
    content_type text NOT NULL,
    body bytea NOT NULL,
    created_at bigint NOT NULL,
    CONSTRAINT idempotency_records_key_check CHECK (((octet_length(key) >= 1) AND (octet_length(key) <= 255)))
);


--
-- Name: invitations; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.invitations (
    job_id text NOT NULL COLLATE pg_catalog."C",
    freelancer_id text NOT NULL COLLATE pg_catalog."C",
    created_at bigint NOT NULL
);


--
-- Name: jobs; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.jobs (
    id text NOT NULL COLLATE pg_catalog."C",
    client_id text NOT NULL COLLATE pg_catalog."C",
    title text NOT NULL,
    budget_currency text,
    budget_minor bigint,
    connect_cost bigint NOT NULL,
    posted_at bigint NOT NULL,
    hiring_deadline bigint,
    expires_at bigint NOT NULL,
    status text NOT NULL,
    boost_slots bigint NOT NULL,
    boost_closes_at bigint NOT NULL,
    auction_closed bigint NOT NULL,
    last_client_activity_at bigint NOT NULL,
    proposal_count bigint NOT NULL,
    hired_proposal_id text COLLATE pg_catalog."C",
    CONSTRAINT jobs_auction_closed_check CHECK ((auction_closed = ANY (ARRAY[(0)::bigint, (1)::bigint]))),
    CONSTRAINT jobs_budget_minor_check CHECK ((budget_minor >= 0)),
    CONSTRAINT jobs_connect_cost_check CHECK (((connect_cost >= 0) AND (connect_cost <= 100))),
    CONSTRAINT jobs_proposal_count_check CHECK (((proposal_count >= 0) AND (proposal_count <= 10000))),
    CONSTRAINT jobs_status_check CHECK ((status = ANY (ARRAY['open'::text, 'filled'::text, 'closed'::text, 'canceled'::text, 'removed'::text, 'expired'::text]))),
    CONSTRAINT jobs_title_check CHECK (((length(title) >= 1) AND (length(title) <= 200)))
);


--
-- Name: lots; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.lots (
    id text NOT NULL COLLATE pg_catalog."C",
    account_id text NOT NULL COLLATE pg_catalog."C",
    source text NOT NULL,
    amount bigint NOT NULL,
    remaining bigint NOT NULL,
    held bigint NOT NULL,
    granted_at bigint NOT NULL,
    expires_at bigint,
    entry_id text NOT NULL COLLATE pg_catalog."C",
    expiry_noticed integer DEFAULT 0 NOT NULL,
    CONSTRAINT lots_amount_check CHECK (((amount >= 1) AND (amount <= 100000))),
    CONSTRAINT lots_check CHECK (((remaining >= 0) AND (remaining <= amount))),
    CONSTRAINT lots_check1 CHECK (((held >= 0) AND (held <= remaining)))
);


--
-- Name: policies; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.policies (
    version bigint NOT NULL,
    document text NOT NULL,
    created_at bigint NOT NULL,
    CONSTRAINT policies_version_check CHECK ((version >= 1))
);


--
-- Name: proposals; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.proposals (
    id text NOT NULL COLLATE pg_catalog."C",
    job_id text NOT NULL COLLATE pg_catalog."C",
    freelancer_id text NOT NULL COLLATE pg_catalog."C",
    agency_id text COLLATE pg_catalog."C",
    payer_id text NOT NULL COLLATE pg_catalog."C",
    status text NOT NULL,
    fee bigint NOT NULL,
    fee_entry_id text COLLATE pg_catalog."C",
    invited bigint NOT NULL,
    boost_bid bigint,
    boost_state text,
    boost_hold_id text COLLATE pg_catalog."C",
    boost_capture_entry_id text COLLATE pg_catalog."C",
    submitted_at bigint NOT NULL,
    viewed_at bigint,
    returned_amount bigint,
    returned_rule text,
    returned_at bigint,
    kept_by text,
    CONSTRAINT proposals_boost_bid_check CHECK (((boost_bid >= 1) AND (boost_bid <= 1000))),
    CONSTRAINT proposals_boost_state_check CHECK ((boost_state = ANY (ARRAY['held'::text, 'captured'::text, 'released'::text]))),
    CONSTRAINT proposals_fee_check CHECK (((fee >= 0) AND (fee <= 100))),
    CONSTRAINT proposals_invited_check CHECK ((invited = ANY (ARRAY[(0)::bigint, (1)::bigint]))),
    CONSTRAINT proposals_status_check CHECK ((status = ANY (ARRAY['submitted'::text, 'viewed'::text, 'withdrawn'::text, 'declined'::text, 'hired'::text, 'not_hired'::text])))
);


--
-- Name: purchases; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.purchases (
    id text NOT NULL COLLATE pg_catalog."C",
    account_id text NOT NULL COLLATE pg_catalog."C",
    quantity bigint NOT NULL,
    currency text NOT NULL,
    amount_minor bigint NOT NULL,
    payment_reference text NOT NULL,
    entry_id text NOT NULL COLLATE pg_catalog."C",
    created_at bigint NOT NULL,
    CONSTRAINT purchases_amount_minor_check CHECK ((amount_minor >= 0)),
    CONSTRAINT purchases_quantity_check CHECK (((quantity >= 1) AND (quantity <= 100000)))
);


--
-- Name: schema_migrations; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.schema_migrations (
    name text NOT NULL,
    applied_at timestamp with time zone DEFAULT now() NOT NULL
);


--
-- Name: settings; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.settings (
    key text NOT NULL,
    value text NOT NULL
);


--
-- Name: webhooks; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.webhooks (
    id text NOT NULL COLLATE pg_catalog."C",
    url text NOT NULL,
    events text NOT NULL,
    secret text NOT NULL,
    created_at bigint NOT NULL,
    deleted_at bigint,
    CONSTRAINT webhooks_url_check CHECK (((length(url) >= 8) AND (length(url) <= 2000)))
);


--
-- Data for Name: accounts; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.accounts (id, external_id, kind, name, plan, pending_plan, status, created_at, balance_total, balance_held, last_sequence, last_hash, billing_day, cycle_start, next_cycle_at) FROM stdin;
acct_01M8WER8EV0176M7NE6EECBGHR	demo-acme	client	Acme	\N	\N	active	1796251328987	0	0	0		\N	\N	\N
acct_01M8WER8EVH0GZ8GTEFGGS0X42	demo-globex	client	Globex	\N	\N	active	1796251328987	0	0	0		\N	\N	\N
acct_01M8WER8EV3Y1FTCTJ7VKD3KM4	demo-studio	agency	Studio	plus	\N	active	1796251328987	136	0	3	f520888aa69d6e0cc0266061e62b3c2251c0786dd638bf73d6f318a05d0d5da1	2	1796251328987	1798929728987
acct_01M8WER8EVTN288VBDMQYW4VPY	demo-dev	freelancer	Dev	plus	\N	active	1796251328987	116	20	6	02e6affbe2bdefd77047b790812080f51b6c03e8051d649000c86b0b17446667	2	1796251328987	1798929728987
acct_01M8WER8EVB90W6NNDJZVM5T28	demo-ben	freelancer	Ben	plus	\N	active	1796251328987	116	21	7	87b560fe83993ba8e0e43faef500faf98bf52b0098504baf08279551f4de0367	2	1796251328987	1798929728987
acct_01M8WER8EVDPXZ0C34KX9FFF8N	demo-chloe	freelancer	Chloe	basic	\N	active	1796251328987	50	0	4	000df6c9c922bbea9c5d0b71b264f3f4e5cb2fe5586de91c94b1d7eb080d29c1	2	1796251328987	1798929728987
acct_01M8WER8EVAK3KAVZGVV2G1T0G	demo-ana	freelancer	Ana	basic	\N	active	1796251328987	106	0	9	bedcddba064c9e66f941254068452e6f4bc2a5b799e2eaf5daee57355ca5bf0d	2	1796251328987	1798929728987
acct_01M8WER98F3PSM3Y76M0AXR9GF	client-1	client	\N	\N	\N	active	1796251329807	0	0	0		\N	\N	\N
acct_01M8WER9AK3BEDXJD53VMV32FJ	ana	freelancer	\N	basic	\N	active	1796251329875	97	0	9	d613d16da232e964d4509ab7136d6fad5a505bf8513fe18137b7eb8e51bc0e54	2	1796251329875	1798929729875
\.


--
-- Data for Name: agency_members; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.agency_members (agency_id, freelancer_id, created_at) FROM stdin;
acct_01M8WER8EV3Y1FTCTJ7VKD3KM4	acct_01M8WER8EVDPXZ0C34KX9FFF8N	1796251328987
\.


--
-- Data for Name: api_keys; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.api_keys (id, secret_hash, role, account_id, created_at) FROM stdin;
\.


--
-- Data for Name: deliveries; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.deliveries (webhook_id, event_seq, account_id, state, attempts, next_attempt_at, last_error, delivered_at) FROM stdin;
\.


--
-- Data for Name: entries; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.entries (id, account_id, sequence, kind, amount, held, total_after, held_after, created_at, cause_type, cause_id, rule, policy_version, reason, actor, reverses, allocations, event_key, hold_id, unreversed, ticket, previous_hash, hash) FROM stdin;
ent_01M8WER8EV8K4ZA16X7BYHV766	acct_01M8WER8EVAK3KAVZGVV2G1T0G	1	reward	40	0	40	0	1796251328987	reward	signup	\N	1	\N	system	\N	lot_01M8WER8EV93QBB5VJAGNBSAK0:40	reward:acct_01M8WER8EVAK3KAVZGVV2G1T0G:signup	\N	\N	\N		76cdb63ea66b9309a5ea411c9c87e880881c6cec9bbe3cbd45f10a2d3f7f8cb2
ent_01M8WER8EV6K3RDE6JFKFAT5D3	acct_01M8WER8EVAK3KAVZGVV2G1T0G	2	grant	10	0	50	0	1796251328987	plan_cycle	basic:1796251328987	\N	1	\N	system	\N	lot_01M8WER8EV3XAYJD5FY1XSEQTR:10	grant:acct_01M8WER8EVAK3KAVZGVV2G1T0G:1796251328987	\N	\N	\N	76cdb63ea66b9309a5ea411c9c87e880881c6cec9bbe3cbd45f10a2d3f7f8cb2	e77ea1b2cede01ea43c899cc2c06ebf83e1d812590b8bf1855193b737f959925
ent_01M8WER8EVFQ88QFF9RWKD5PQY	acct_01M8WER8EVB90W6NNDJZVM5T28	1	reward	40	0	40	0	1796251328987	reward	signup	\N	1	\N	system	\N	lot_01M8WER8EVNE0EQG32SYHZ060X:40	reward:acct_01M8WER8EVB90W6NNDJZVM5T28:signup	\N	\N	\N		957ed74b5535098fb9697870485958d1225a598a3ac437bb8e4c7388cbc1494f
ent_01M8WER8EVN7857YSWGVBHJEGQ	acct_01M8WER8EVB90W6NNDJZVM5T28	2	grant	100	0	140	0	1796251328987	plan_cycle	plus:1796251328987	\N	1	\N	system	\N	lot_01M8WER8EVR4Q8KT2YG9892TYD:100	grant:acct_01M8WER8EVB90W6NNDJZVM5T28:1796251328987	\N	\N	\N	957ed74b5535098fb9697870485958d1225a598a3ac437bb8e4c7388cbc1494f	d0e21eed689a06fa0adef278f504d5d5d6e85857dd0e8510959432b8cc98d5ac
ent_01M8WER8EVYWE0435RX3WFWGHE	acct_01M8WER8EVDPXZ0C34KX9FFF8N	1	reward	40	0	40	0	1796251328987	reward	signup	\N	1	\N	system	\N	lot_01M8WER8EVDVBW8Y772M9PKKEE:40	reward:acct_01M8WER8EVDPXZ0C34KX9FFF8N:signup	\N	\N	\N		c5c7c5b9db643bb6e093d090a9c729997800d36cb0c7cf393613abfd76cb906e
ent_01M8WER8EV27F75EZNXZ04AB3G	acct_01M8WER8EVDPXZ0C34KX9FFF8N	2	grant	10	0	50	0	1796251328987	plan_cycle	basic:1796251328987	\N	1	\N	system	\N	lot_01M8WER8EVS7BDZKZKWTCAJ0TC:10	grant:acct_01M8WER8EVDPXZ0C34KX9FFF8N:1796251328987	\N	\N	\N	c5c7c5b9db643bb6e093d090a9c729997800d36cb0c7cf393613abfd76cb906e	3f54087809ddd1f010e6b5942c8cf738b896263f58be3235f4565244c8c77237
ent_01M8WER8EV8182VE1WN88T0MRY	acct_01M8WER8EVTN288VBDMQYW4VPY	1	reward	40	0	40	0	1796251328987	reward	signup	\N	1	\N	system	\N	lot_01M8WER8EV7PRHXPM8KZ48K0H1:40	reward:acct_01M8WER8EVTN288VBDMQYW4VPY:signup	\N	\N	\N		eb34774644f15ab41147a03e25cfb5dcf3740537e4b9c01b4ff43cb69d09967b
ent_01M8WER8EVNFZ01SRMDCQ7S4YS	acct_01M8WER8EVTN288VBDMQYW4VPY	2	grant	100	0	140	0	1796251328987	plan_cycle	plus:1796251328987	\N	1	\N	system	\N	lot_01M8WER8EVNB6CQZ8A12D5YMNC:100	grant:acct_01M8WER8EVTN288VBDMQYW4VPY:1796251328987	\N	\N	\N	eb34774644f15ab41147a03e25cfb5dcf3740537e4b9c01b4ff43cb69d09967b	11a918965087b2942b24b1ed80aa54580f2006584c4aeed8c348142fa96b60ff
ent_01M8WER8EVCYYW900T9Y1ETW0X	acct_01M8WER8EV3Y1FTCTJ7VKD3KM4	1	reward	40	0	40	0	1796251328987	reward	signup	\N	1	\N	system	\N	lot_01M8WER8EVNQH5XDVPG2CHHFNC:40	reward:acct_01M8WER8EV3Y1FTCTJ7VKD3KM4:signup	\N	\N	\N		58afb9016d16585eb413f1db2cff0c7556e7342fef4bf03c13fd876b1b945e97
ent_01M8WER8EVDF0DXC6ZB0TSMFHM	acct_01M8WER8EV3Y1FTCTJ7VKD3KM4	2	grant	100	0	140	0	1796251328987	plan_cycle	plus:1796251328987	\N	1	\N	system	\N	lot_01M8WER8EVFRSWXJZ7Y1RBQAJS:100	grant:acct_01M8WER8EV3Y1FTCTJ7VKD3KM4:1796251328987	\N	\N	\N	58afb9016d16585eb413f1db2cff0c7556e7342fef4bf03c13fd876b1b945e97	e7f462a56c25ba504d12853c80752e162f266e09a3532a1fac55027a300683ad
ent_01M8WER8EVN7F1N4BMW3YHVNG7	acct_01M8WER8EVB90W6NNDJZVM5T28	3	spend	-4	0	136	0	1796251328987	proposal	prop_01M8WER8EVB3BX6MAMKXR1N1DB	\N	1	\N	system	\N	lot_01M8WER8EVNE0EQG32SYHZ060X:4	fee:prop_01M8WER8EVB3BX6MAMKXR1N1DB	\N	\N	\N	d0e21eed689a06fa0adef278f504d5d5d6e85857dd0e8510959432b8cc98d5ac	a29cad0e9073258cc6aa29d143f764f70686f40abe320662171234c5a30fccfb
ent_01M8WER8EVPVB5DSDEEZ5EA802	acct_01M8WER8EVTN288VBDMQYW4VPY	3	spend	-4	0	136	0	1796251328987	proposal	prop_01M8WER8EV3TN78PVAE9E0792R	\N	1	\N	system	\N	lot_01M8WER8EV7PRHXPM8KZ48K0H1:4	fee:prop_01M8WER8EV3TN78PVAE9E0792R	\N	\N	\N	11a918965087b2942b24b1ed80aa54580f2006584c4aeed8c348142fa96b60ff	e0a22846a63af63af56222265b8217e734700d61585fe7611beaf988c72bc20a
ent_01M8WER8EV62GZN1W66D6KRZ68	acct_01M8WER8EVAK3KAVZGVV2G1T0G	3	spend	-4	0	46	0	1796251328987	proposal	prop_01M8WER8EVNJR2J3PANX0ZA2W8	\N	1	\N	system	\N	lot_01M8WER8EV3XAYJD5FY1XSEQTR:4	fee:prop_01M8WER8EVNJR2J3PANX0ZA2W8	\N	\N	\N	e77ea1b2cede01ea43c899cc2c06ebf83e1d812590b8bf1855193b737f959925	371ef3d0bfb3c11d6d42f3f947803b076b5f96dc6eb5cb01220a7e89e0adef51
ent_01M8WER8EV40030GPAK27MJA1B	acct_01M8WER8EVAK3KAVZGVV2G1T0G	4	hold	0	10	46	10	1796251328987	proposal	prop_01M8WER8EVNJR2J3PANX0ZA2W8	\N	1	\N	system	\N	lot_01M8WER8EV3XAYJD5FY1XSEQTR:6,lot_01M8WER8EV93QBB5VJAGNBSAK0:4	boost:prop_01M8WER8EVNJR2J3PANX0ZA2W8	hold_01M8WER8EVVN0X0Z7K11V09E4G	\N	\N	371ef3d0bfb3c11d6d42f3f947803b076b5f96dc6eb5cb01220a7e89e0adef51	cd83d3e5a0a9014e97d8b2ad5cf5a7489f1f7594774277ef808082425338adc8
ent_01M8WER8EVCSK1JDBRXEYTMCKP	acct_01M8WER8EVB90W6NNDJZVM5T28	4	spend	-4	0	132	0	1796251328987	proposal	prop_01M8WER8EVPASMWHW8421D1H8X	\N	1	\N	system	\N	lot_01M8WER8EVNE0EQG32SYHZ060X:4	fee:prop_01M8WER8EVPASMWHW8421D1H8X	\N	\N	\N	a29cad0e9073258cc6aa29d143f764f70686f40abe320662171234c5a30fccfb	abda7ba8eca24da35a5bdee7e7d5958fc027667cb273b0e0ca34be8dbaadc1ef
ent_01M8WER8EVGWWK1TTAEJ6MRQ08	acct_01M8WER8EVB90W6NNDJZVM5T28	5	hold	0	6	132	6	1796251328987	proposal	prop_01M8WER8EVPASMWHW8421D1H8X	\N	1	\N	system	\N	lot_01M8WER8EVNE0EQG32SYHZ060X:6	boost:prop_01M8WER8EVPASMWHW8421D1H8X	hold_01M8WER8EV914WQV1RJE211EQK	\N	\N	abda7ba8eca24da35a5bdee7e7d5958fc027667cb273b0e0ca34be8dbaadc1ef	d6ce5c217ef5e7de6ad566618a1886d7d005fd12a0839d8dda85d59037698918
ent_01M8WER8EVA20AP84FGJQ5MC2R	acct_01M8WER8EVTN288VBDMQYW4VPY	4	spend	-4	0	132	0	1796251328987	proposal	prop_01M8WER8EVAHYZRFFVDR47M20M	\N	1	\N	system	\N	lot_01M8WER8EV7PRHXPM8KZ48K0H1:4	fee:prop_01M8WER8EVAHYZRFFVDR47M20M	\N	\N	\N	e0a22846a63af63af56222265b8217e734700d61585fe7611beaf988c72bc20a	51ef8cfb395b6c55b3965e0b76b9398155484dad70600e8ebeb611b3c3388db1
ent_01M8WER8EVZJ1P9BPZC7WA1AXD	acct_01M8WER8EV3Y1FTCTJ7VKD3KM4	3	spend	-4	0	136	0	1796251328987	proposal	prop_01M8WER8EV9H5DVK8RJAN0D550	\N	1	\N	system	\N	lot_01M8WER8EVFRSWXJZ7Y1RBQAJS:4	fee:prop_01M8WER8EV9H5DVK8RJAN0D550	\N	\N	\N	e7f462a56c25ba504d12853c80752e162f266e09a3532a1fac55027a300683ad	f520888aa69d6e0cc0266061e62b3c2251c0786dd638bf73d6f318a05d0d5da1
ent_01M8WER8EVYVRM35MTWFREDR3R	acct_01M8WER8EVAK3KAVZGVV2G1T0G	5	capture	-10	-10	36	0	1796251328987	proposal	prop_01M8WER8EVNJR2J3PANX0ZA2W8	\N	1	\N	system	\N	lot_01M8WER8EV3XAYJD5FY1XSEQTR:6,lot_01M8WER8EV93QBB5VJAGNBSAK0:4	\N	hold_01M8WER8EVVN0X0Z7K11V09E4G	\N	\N	cd83d3e5a0a9014e97d8b2ad5cf5a7489f1f7594774277ef808082425338adc8	bfac4baa4902cf55af6f48c924c93471425ce6de9d9e8b8748255b060aad9789
ent_01M8WER8EV1EXJXRX7YR6EW8T3	acct_01M8WER8EVTN288VBDMQYW4VPY	5	spend	-16	0	116	0	1796251328987	proposal	prop_01M8WER8EV566ENRRNX405RP3N	\N	1	\N	system	\N	lot_01M8WER8EV7PRHXPM8KZ48K0H1:16	fee:prop_01M8WER8EV566ENRRNX405RP3N	\N	\N	\N	51ef8cfb395b6c55b3965e0b76b9398155484dad70600e8ebeb611b3c3388db1	eb4a6d8df31a9e0a013a55dfe81de514cc041b8117601595e8ad106e296187c5
ent_01M8WER8EVJWZC2PCF3DVA8BCK	acct_01M8WER8EVTN288VBDMQYW4VPY	6	hold	0	20	116	20	1796251328987	proposal	prop_01M8WER8EV566ENRRNX405RP3N	\N	1	\N	system	\N	lot_01M8WER8EV7PRHXPM8KZ48K0H1:16,lot_01M8WER8EVNB6CQZ8A12D5YMNC:4	boost:prop_01M8WER8EV566ENRRNX405RP3N	hold_01M8WER8EVZYNBR98YA88NGY0V	\N	\N	eb4a6d8df31a9e0a013a55dfe81de514cc041b8117601595e8ad106e296187c5	02e6affbe2bdefd77047b790812080f51b6c03e8051d649000c86b0b17446667
ent_01M8WER8EV3MXYSBCZK6QKA7TB	acct_01M8WER8EVB90W6NNDJZVM5T28	6	spend	-16	0	116	6	1796251328987	proposal	prop_01M8WER8EVFDG6N7DFNTW8WCT0	\N	1	\N	system	\N	lot_01M8WER8EVNE0EQG32SYHZ060X:16	fee:prop_01M8WER8EVFDG6N7DFNTW8WCT0	\N	\N	\N	d6ce5c217ef5e7de6ad566618a1886d7d005fd12a0839d8dda85d59037698918	9f888d8cb57bb623b6e457fd7a04a9a4b43eb30bd9a56c91f549bbf68c15984c
ent_01M8WER8EVY6NN3E8D1C8D6W2N	acct_01M8WER8EVB90W6NNDJZVM5T28	7	hold	0	15	116	21	1796251328987	proposal	prop_01M8WER8EVFDG6N7DFNTW8WCT0	\N	1	\N	system	\N	lot_01M8WER8EVNE0EQG32SYHZ060X:10,lot_01M8WER8EVR4Q8KT2YG9892TYD:5	boost:prop_01M8WER8EVFDG6N7DFNTW8WCT0	hold_01M8WER8EV0B14WCMR9T9SJJPW	\N	\N	9f888d8cb57bb623b6e457fd7a04a9a4b43eb30bd9a56c91f549bbf68c15984c	87b560fe83993ba8e0e43faef500faf98bf52b0098504baf08279551f4de0367
ent_01M8WER8EV0ZWSQMYEDA6QR5EP	acct_01M8WER8EVAK3KAVZGVV2G1T0G	6	spend	-2	0	34	0	1796251328987	proposal	prop_01M8WER8EVXBSTN4GQ4XV1X345	\N	1	\N	system	\N	lot_01M8WER8EV93QBB5VJAGNBSAK0:2	fee:prop_01M8WER8EVXBSTN4GQ4XV1X345	\N	\N	\N	bfac4baa4902cf55af6f48c924c93471425ce6de9d9e8b8748255b060aad9789	64903b42c92701259ada089bbb76175f0e50be2def1430431837f54895fa218d
ent_01M8WER8EVDK593KDFAVA6NYMF	acct_01M8WER8EVDPXZ0C34KX9FFF8N	3	spend	-2	0	48	0	1796251328987	proposal	prop_01M8WER8EVMDCHFYGJ5MVFB9NF	\N	1	\N	system	\N	lot_01M8WER8EVDVBW8Y772M9PKKEE:2	fee:prop_01M8WER8EVMDCHFYGJ5MVFB9NF	\N	\N	\N	3f54087809ddd1f010e6b5942c8cf738b896263f58be3235f4565244c8c77237	9f8221fc25a5c72ee8ff19f37c2eed81d3b162423de3c64b5e98a72a8f2df73a
ent_01M8WER8EVA44VEJ43EXAMYYPT	acct_01M8WER8EVDPXZ0C34KX9FFF8N	4	return	2	0	50	0	1796251328987	job	job_01M8WER8EVKKTMTGAX5D99XK5H	returns.jobClosedWithoutHire	1	\N	system	ent_01M8WER8EVDK593KDFAVA6NYMF	lot_01M8WER8EVDVBW8Y772M9PKKEE:2	return:ent_01M8WER8EVDK593KDFAVA6NYMF	\N	\N	\N	9f8221fc25a5c72ee8ff19f37c2eed81d3b162423de3c64b5e98a72a8f2df73a	000df6c9c922bbea9c5d0b71b264f3f4e5cb2fe5586de91c94b1d7eb080d29c1
ent_01M8WER8EVFYXNWXJV7QZFJ6BK	acct_01M8WER8EVAK3KAVZGVV2G1T0G	7	return	2	0	36	0	1796251328987	job	job_01M8WER8EVKKTMTGAX5D99XK5H	returns.jobClosedWithoutHire	1	\N	system	ent_01M8WER8EV0ZWSQMYEDA6QR5EP	lot_01M8WER8EV93QBB5VJAGNBSAK0:2	return:ent_01M8WER8EV0ZWSQMYEDA6QR5EP	\N	\N	\N	64903b42c92701259ada089bbb76175f0e50be2def1430431837f54895fa218d	f4cb8575d7065716802fdf63a3fd6321b09ac223775448c2867cab005fa220cc
ent_01M8WER8EVH1BQVY89PV0KG0B6	acct_01M8WER8EVAK3KAVZGVV2G1T0G	8	purchase	40	0	76	0	1796251328987	purchase	pur_01M8WER8EVD4XQSASQ9T4T67A3	\N	1	\N	system	\N	lot_01M8WER8EV79NWKS158CCWZ03G:40	purchase:demo-payment-1	\N	\N	\N	f4cb8575d7065716802fdf63a3fd6321b09ac223775448c2867cab005fa220cc	d0faffbd807769c6989603e17e138436ec900220ef1b8d6356eb9d04f7aae44d
ent_01M8WER8EV0B65PGJ9N268BDHS	acct_01M8WER8EVAK3KAVZGVV2G1T0G	9	reward	30	0	106	0	1796251328987	reward	rising_talent	\N	1	\N	system	\N	lot_01M8WER8EV6X5BPYXD3892K735:30	reward:acct_01M8WER8EVAK3KAVZGVV2G1T0G:rising_talent	\N	\N	\N	d0faffbd807769c6989603e17e138436ec900220ef1b8d6356eb9d04f7aae44d	bedcddba064c9e66f941254068452e6f4bc2a5b799e2eaf5daee57355ca5bf0d
ent_01M8WER9AKD8KQGCDZ9ZBPF5HW	acct_01M8WER9AK3BEDXJD53VMV32FJ	1	reward	40	0	40	0	1796251329875	reward	signup	\N	1	\N	system	\N	lot_01M8WER9AK2XXJX2T4FDKQZHV5:40	reward:acct_01M8WER9AK3BEDXJD53VMV32FJ:signup	\N	\N	\N		bbd60c30f7fc30b80c2df5a2383873a45272885cecec7c85d5f5f91580527283
ent_01M8WER9AKK58208XHDQDHT1T9	acct_01M8WER9AK3BEDXJD53VMV32FJ	2	grant	10	0	50	0	1796251329875	plan_cycle	basic:1796251329875	\N	1	\N	system	\N	lot_01M8WER9AKJMPF1X436QCHGEB4:10	grant:acct_01M8WER9AK3BEDXJD53VMV32FJ:1796251329875	\N	\N	\N	bbd60c30f7fc30b80c2df5a2383873a45272885cecec7c85d5f5f91580527283	1dc43a3c8ec5131c592629a29aaa691975e136bb51e9ed6dc48c3c0fe601b12b
ent_01M8WER9DYDMTPXYQ8C51G5N4X	acct_01M8WER9AK3BEDXJD53VMV32FJ	3	spend	-4	0	46	0	1796251329982	proposal	prop_01M8WER9DY80XACEK0SMN287Z8	\N	1	\N	system	\N	lot_01M8WER9AK2XXJX2T4FDKQZHV5:4	fee:prop_01M8WER9DY80XACEK0SMN287Z8	\N	\N	\N	1dc43a3c8ec5131c592629a29aaa691975e136bb51e9ed6dc48c3c0fe601b12b	1de44f92921c6b290f903cbab2bf9c8ba728a4e7db6abb4563fb6751ca8592ab
ent_01M8WER9DYVT9K8BB9X2MSAKY0	acct_01M8WER9AK3BEDXJD53VMV32FJ	4	hold	0	5	46	5	1796251329982	proposal	prop_01M8WER9DY80XACEK0SMN287Z8	\N	1	\N	system	\N	lot_01M8WER9AK2XXJX2T4FDKQZHV5:5	boost:prop_01M8WER9DY80XACEK0SMN287Z8	hold_01M8WER9DYR50239TJ7Q1H04PN	\N	\N	1de44f92921c6b290f903cbab2bf9c8ba728a4e7db6abb4563fb6751ca8592ab	ae0be5e21fc336dc7ef3a4ea97bab8cc4e9eea94d96a2d1fb4149016f839628f
ent_01M8WER9FM6DVJNEKKEJB4FYC7	acct_01M8WER9AK3BEDXJD53VMV32FJ	5	release	0	-5	46	0	1796251330036	proposal	prop_01M8WER9DY80XACEK0SMN287Z8	\N	1	\N	system	\N	lot_01M8WER9AK2XXJX2T4FDKQZHV5:5	\N	hold_01M8WER9DYR50239TJ7Q1H04PN	\N	\N	ae0be5e21fc336dc7ef3a4ea97bab8cc4e9eea94d96a2d1fb4149016f839628f	68832881412c12408e6b258b3c54613719da9e633bd94b81d98ad4263f6a37b4
ent_01M8WER9FMFFV8RHR3JFS7YZ3P	acct_01M8WER9AK3BEDXJD53VMV32FJ	6	return	4	0	50	0	1796251330036	job	job_01M8WER9CEMXY2D7X0460PKC0P	returns.jobClosedWithoutHire	1	\N	system	ent_01M8WER9DYDMTPXYQ8C51G5N4X	lot_01M8WER9AK2XXJX2T4FDKQZHV5:4	return:ent_01M8WER9DYDMTPXYQ8C51G5N4X	\N	\N	\N	68832881412c12408e6b258b3c54613719da9e633bd94b81d98ad4263f6a37b4	145781d515e1d0cc00c32c5d45b0243f360f9eb9e63d2b7df479eb9508b150cc
ent_01M8WER9HTJS9SM40GA3V3C8AC	acct_01M8WER9AK3BEDXJD53VMV32FJ	7	purchase	20	0	70	0	1796251330106	purchase	pur_01M8WER9HT3C7A6RW932H3AKBX	\N	1	\N	system	\N	lot_01M8WER9HTHY4J4Z7Z90FSEFSH:20	purchase:ch_1	\N	\N	\N	145781d515e1d0cc00c32c5d45b0243f360f9eb9e63d2b7df479eb9508b150cc	ef22754a09dfcbc46606a30c1ab5e05b0b76a7c8dd19d62ef38343684d509432
ent_01M8WER9KD9MJ3ZM4SCKKNVB5G	acct_01M8WER9AK3BEDXJD53VMV32FJ	8	reward	30	0	100	0	1796251330157	reward	rising_talent	\N	1	\N	system	\N	lot_01M8WER9KDMDS8EAWZAY18ZN3K:30	reward:acct_01M8WER9AK3BEDXJD53VMV32FJ:rising_talent	\N	\N	\N	ef22754a09dfcbc46606a30c1ab5e05b0b76a7c8dd19d62ef38343684d509432	0d73f0c8ab1b5e1e541f67f3089af5f97cd0ba93279f400f87ca97af56700911
ent_01M8WER9NBF9PJB7THAF2XRT62	acct_01M8WER9AK3BEDXJD53VMV32FJ	9	adjustment	-3	0	97	0	1796251330219	support	T-1001	\N	1	duplicate courtesy	admin:admin	\N	lot_01M8WER9AK2XXJX2T4FDKQZHV5:3	\N	\N	\N	T-1001	0d73f0c8ab1b5e1e541f67f3089af5f97cd0ba93279f400f87ca97af56700911	d613d16da232e964d4509ab7136d6fad5a505bf8513fe18137b7eb8e51bc0e54
\.


--
-- Data for Name: events; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.events (seq, id, type, account_id, data, created_at, dedupe_key) FROM stdin;
1	evt_01M8WER8EVXD6PJY04KTKT454B	connects.rewarded	acct_01M8WER8EVAK3KAVZGVV2G1T0G	{"amount":40,"balance":{"available":40,"held":0,"total":40},"cause":{"id":"signup","type":"reward"},"entryId":"ent_01M8WER8EV8K4ZA16X7BYHV766","kind":"reward"}	1796251328987	\N
2	evt_01M8WER8EVYC6E7Q79Y5919DJ9	connects.granted	acct_01M8WER8EVAK3KAVZGVV2G1T0G	{"amount":10,"balance":{"available":50,"held":0,"total":50},"cause":{"id":"basic:1796251328987","type":"plan_cycle"},"entryId":"ent_01M8WER8EV6K3RDE6JFKFAT5D3","kind":"grant"}	1796251328987	\N
3	evt_01M8WER8EVJPMQGHFMABE4BQKA	connects.rewarded	acct_01M8WER8EVB90W6NNDJZVM5T28	{"amount":40,"balance":{"available":40,"held":0,"total":40},"cause":{"id":"signup","type":"reward"},"entryId":"ent_01M8WER8EVFQ88QFF9RWKD5PQY","kind":"reward"}	1796251328987	\N
4	evt_01M8WER8EVF9303RG87CSDB6B4	connects.granted	acct_01M8WER8EVB90W6NNDJZVM5T28	{"amount":100,"balance":{"available":140,"held":0,"total":140},"cause":{"id":"plus:1796251328987","type":"plan_cycle"},"entryId":"ent_01M8WER8EVN7857YSWGVBHJEGQ","kind":"grant"}	1796251328987	\N
5	evt_01M8WER8EV236WNBPZ3H74RHFM	connects.rewarded	acct_01M8WER8EVDPXZ0C34KX9FFF8N	{"amount":40,"balance":{"available":40,"held":0,"total":40},"cause":{"id":"signup","type":"reward"},"entryId":"ent_01M8WER8EVYWE0435RX3WFWGHE","kind":"reward"}	1796251328987	\N
6	evt_01M8WER8EV897CA3E874Z010DZ	connects.granted	acct_01M8WER8EVDPXZ0C34KX9FFF8N	{"amount":10,"balance":{"available":50,"held":0,"total":50},"cause":{"id":"basic:1796251328987","type":"plan_cycle"},"entryId":"ent_01M8WER8EV27F75EZNXZ04AB3G","kind":"grant"}	1796251328987	\N
7	evt_01M8WER8EVEZ43N8H5KFCZK0VK	connects.rewarded	acct_01M8WER8EVTN288VBDMQYW4VPY	{"amount":40,"balance":{"available":40,"held":0,"total":40},"cause":{"id":"signup","type":"reward"},"entryId":"ent_01M8WER8EV8182VE1WN88T0MRY","kind":"reward"}	1796251328987	\N
8	evt_01M8WER8EV68NKRRQ0MVXNDNEH	connects.granted	acct_01M8WER8EVTN288VBDMQYW4VPY	{"amount":100,"balance":{"available":140,"held":0,"total":140},"cause":{"id":"plus:1796251328987","type":"plan_cycle"},"entryId":"ent_01M8WER8EVNFZ01SRMDCQ7S4YS","kind":"grant"}	1796251328987	\N
9	evt_01M8WER8EVQ8H7BJKMHBWP9JXM	connects.rewarded	acct_01M8WER8EV3Y1FTCTJ7VKD3KM4	{"amount":40,"balance":{"available":40,"held":0,"total":40},"cause":{"id":"signup","type":"reward"},"entryId":"ent_01M8WER8EVCYYW900T9Y1ETW0X","kind":"reward"}	1796251328987	\N
10	evt_01M8WER8EVPHTCY4B3BWXP1Z73	connects.granted	acct_01M8WER8EV3Y1FTCTJ7VKD3KM4	{"amount":100,"balance":{"available":140,"held":0,"total":140},"cause":{"id":"plus:1796251328987","type":"plan_cycle"},"entryId":"ent_01M8WER8EVDF0DXC6ZB0TSMFHM","kind":"grant"}	1796251328987	\N
11	evt_01M8WER8EVK80DJJ34K3S4K331	proposal.submitted	acct_01M8WER8EVB90W6NNDJZVM5T28	{"boost":null,"fee":4,"freelancerId":"acct_01M8WER8EVB90W6NNDJZVM5T28","jobId":"job_01M8WER8EVEKTRRRQTAHHJ7SF7","proposalId":"prop_01M8WER8EVB3BX6MAMKXR1N1DB"}	1796251328987	\N
12	evt_01M8WER8EV5H2TAZ0NXKAPFXVK	proposal.submitted	acct_01M8WER8EVTN288VBDMQYW4VPY	{"boost":null,"fee":4,"freelancerId":"acct_01M8WER8EVTN288VBDMQYW4VPY","jobId":"job_01M8WER8EVEKTRRRQTAHHJ7SF7","proposalId":"prop_01M8WER8EV3TN78PVAE9E0792R"}	1796251328987	\N
13	evt_01M8WER8EVXR8E9ZQZPJMFK269	proposal.submitted	acct_01M8WER8EVAK3KAVZGVV2G1T0G	{"boost":10,"fee":4,"freelancerId":"acct_01M8WER8EVAK3KAVZGVV2G1T0G","jobId":"job_01M8WER8EVSV5MXG38YXCWFJVC","proposalId":"prop_01M8WER8EVNJR2J3PANX0ZA2W8"}	1796251328987	\N
14	evt_01M8WER8EVG00NF3RG2JVCCVAY	proposal.submitted	acct_01M8WER8EVB90W6NNDJZVM5T28	{"boost":6,"fee":4,"freelancerId":"acct_01M8WER8EVB90W6NNDJZVM5T28","jobId":"job_01M8WER8EVSV5MXG38YXCWFJVC","proposalId":"prop_01M8WER8EVPASMWHW8421D1H8X"}	1796251328987	\N
15	evt_01M8WER8EV171TR5RB8NSXP47H	proposal.submitted	acct_01M8WER8EVTN288VBDMQYW4VPY	{"boost":null,"fee":4,"freelancerId":"acct_01M8WER8EVTN288VBDMQYW4VPY","jobId":"job_01M8WER8EVSV5MXG38YXCWFJVC","proposalId":"prop_01M8WER8EVAHYZRFFVDR47M20M"}	1796251328987	\N
16	evt_01M8WER8EV5HECGSV1PGHAP6CD	proposal.submitted	acct_01M8WER8EV3Y1FTCTJ7VKD3KM4	{"boost":null,"fee":4,"freelancerId":"acct_01M8WER8EVDPXZ0C34KX9FFF8N","jobId":"job_01M8WER8EVSV5MXG38YXCWFJVC","proposalId":"prop_01M8WER8EV9H5DVK8RJAN0D550"}	1796251328987	\N
17	evt_01M8WER8EVXYYYK3SXAAT16J8F	proposal.boost_captured	acct_01M8WER8EVAK3KAVZGVV2G1T0G	{"bid":10,"jobId":"job_01M8WER8EVSV5MXG38YXCWFJVC","proposalId":"prop_01M8WER8EVNJR2J3PANX0ZA2W8"}	1796251328987	\N
18	evt_01M8WER8EVPBZ4BVRAH7XWHCRC	proposal.submitted	acct_01M8WER8EVTN288VBDMQYW4VPY	{"boost":20,"fee":16,"freelancerId":"acct_01M8WER8EVTN288VBDMQYW4VPY","jobId":"job_01M8WER8EVY6NTSDFNX8H72BBR","proposalId":"prop_01M8WER8EV566ENRRNX405RP3N"}	1796251328987	\N
19	evt_01M8WER8EVSPFX5AP35F748S16	proposal.submitted	acct_01M8WER8EVB90W6NNDJZVM5T28	{"boost":15,"fee":16,"freelancerId":"acct_01M8WER8EVB90W6NNDJZVM5T28","jobId":"job_01M8WER8EVY6NTSDFNX8H72BBR","proposalId":"prop_01M8WER8EVFDG6N7DFNTW8WCT0"}	1796251328987	\N
20	evt_01M8WER8EVZGCEZSAHASMQD8S6	proposal.submitted	acct_01M8WER8EVAK3KAVZGVV2G1T0G	{"boost":null,"fee":2,"freelancerId":"acct_01M8WER8EVAK3KAVZGVV2G1T0G","jobId":"job_01M8WER8EVKKTMTGAX5D99XK5H","proposalId":"prop_01M8WER8EVXBSTN4GQ4XV1X345"}	1796251328987	\N
21	evt_01M8WER8EV5WB05GS29AF906Y5	proposal.submitted	acct_01M8WER8EVDPXZ0C34KX9FFF8N	{"boost":null,"fee":2,"freelancerId":"acct_01M8WER8EVDPXZ0C34KX9FFF8N","jobId":"job_01M8WER8EVKKTMTGAX5D99XK5H","proposalId":"prop_01M8WER8EVMDCHFYGJ5MVFB9NF"}	1796251328987	\N
22	evt_01M8WER8EVDA8TT6R30FNB5SGC	connects.returned	acct_01M8WER8EVDPXZ0C34KX9FFF8N	{"amount":2,"balance":{"available":50,"held":0,"total":50},"cause":{"id":"job_01M8WER8EVKKTMTGAX5D99XK5H","type":"job"},"entryId":"ent_01M8WER8EVA44VEJ43EXAMYYPT","kind":"return","rule":"returns.jobClosedWithoutHire"}	1796251328987	\N
23	evt_01M8WER8EV2HS230NKMQQX64CN	connects.returned	acct_01M8WER8EVAK3KAVZGVV2G1T0G	{"amount":2,"balance":{"available":36,"held":0,"total":36},"cause":{"id":"job_01M8WER8EVKKTMTGAX5D99XK5H","type":"job"},"entryId":"ent_01M8WER8EVFYXNWXJV7QZFJ6BK","kind":"return","rule":"returns.jobClosedWithoutHire"}	1796251328987	\N
24	evt_01M8WER8EVFNGERKW7TDPVVGJF	job.closed	acct_01M8WER8EVH0GZ8GTEFGGS0X42	{"jobId":"job_01M8WER8EVKKTMTGAX5D99XK5H","status":"closed"}	1796251328987	\N
25	evt_01M8WER8EVHX1K1KKAPP1B190P	connects.purchased	acct_01M8WER8EVAK3KAVZGVV2G1T0G	{"amount":40,"balance":{"available":76,"held":0,"total":76},"cause":{"id":"pur_01M8WER8EVD4XQSASQ9T4T67A3","type":"purchase"},"entryId":"ent_01M8WER8EVH1BQVY89PV0KG0B6","kind":"purchase"}	1796251328987	\N
26	evt_01M8WER8EVGG9BZ8GGCNN24A8E	connects.rewarded	acct_01M8WER8EVAK3KAVZGVV2G1T0G	{"amount":30,"balance":{"available":106,"held":0,"total":106},"cause":{"id":"rising_talent","type":"reward"},"entryId":"ent_01M8WER8EV0B65PGJ9N268BDHS","kind":"reward"}	1796251328987	\N
27	evt_01M8WER9AKP62XE4ZRATJQE2FB	connects.rewarded	acct_01M8WER9AK3BEDXJD53VMV32FJ	{"amount":40,"balance":{"available":40,"held":0,"total":40},"cause":{"id":"signup","type":"reward"},"entryId":"ent_01M8WER9AKD8KQGCDZ9ZBPF5HW","kind":"reward"}	1796251329875	\N
28	evt_01M8WER9AKZZCTHJ2CGY9C2T3T	connects.granted	acct_01M8WER9AK3BEDXJD53VMV32FJ	{"amount":10,"balance":{"available":50,"held":0,"total":50},"cause":{"id":"basic:1796251329875","type":"plan_cycle"},"entryId":"ent_01M8WER9AKK58208XHDQDHT1T9","kind":"grant"}	1796251329875	\N
29	evt_01M8WER9DYA6PN7GBMRADRXR2C	proposal.submitted	acct_01M8WER9AK3BEDXJD53VMV32FJ	{"boost":5,"fee":4,"freelancerId":"acct_01M8WER9AK3BEDXJD53VMV32FJ","jobId":"job_01M8WER9CEMXY2D7X0460PKC0P","proposalId":"prop_01M8WER9DY80XACEK0SMN287Z8"}	1796251329982	\N
30	evt_01M8WER9FM58TJNJPSEJ36H2VX	connects.returned	acct_01M8WER9AK3BEDXJD53VMV32FJ	{"amount":4,"balance":{"available":50,"held":0,"total":50},"cause":{"id":"job_01M8WER9CEMXY2D7X0460PKC0P","type":"job"},"entryId":"ent_01M8WER9FMFFV8RHR3JFS7YZ3P","kind":"return","rule":"returns.jobClosedWithoutHire"}	1796251330036	\N
31	evt_01M8WER9FMS7XGP2PKSDVQS5MT	job.closed	acct_01M8WER98F3PSM3Y76M0AXR9GF	{"jobId":"job_01M8WER9CEMXY2D7X0460PKC0P","status":"closed"}	1796251330036	\N
32	evt_01M8WER9HTS45FREDDK9MRMTFR	connects.purchased	acct_01M8WER9AK3BEDXJD53VMV32FJ	{"amount":20,"balance":{"available":70,"held":0,"total":70},"cause":{"id":"pur_01M8WER9HT3C7A6RW932H3AKBX","type":"purchase"},"entryId":"ent_01M8WER9HTJS9SM40GA3V3C8AC","kind":"purchase"}	1796251330106	\N
33	evt_01M8WER9KDNEHHTSHQFYDYGX1D	connects.rewarded	acct_01M8WER9AK3BEDXJD53VMV32FJ	{"amount":30,"balance":{"available":100,"held":0,"total":100},"cause":{"id":"rising_talent","type":"reward"},"entryId":"ent_01M8WER9KD9MJ3ZM4SCKKNVB5G","kind":"reward"}	1796251330157	\N
34	evt_01M8WER9NBR7717XYZTX840MX8	connects.adjusted	acct_01M8WER9AK3BEDXJD53VMV32FJ	{"amount":-3,"balance":{"available":97,"held":0,"total":97},"cause":{"id":"T-1001","type":"support"},"entryId":"ent_01M8WER9NBF9PJB7THAF2XRT62","kind":"adjustment","reason":"duplicate courtesy"}	1796251330219	\N
\.


--
-- Data for Name: holds; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.holds (id, account_id, amount, allocations, state, cause_type, cause_id, created_at) FROM stdin;
hold_01M8WER8EV914WQV1RJE211EQK	acct_01M8WER8EVB90W6NNDJZVM5T28	6	lot_01M8WER8EVNE0EQG32SYHZ060X:6	open	proposal	prop_01M8WER8EVPASMWHW8421D1H8X	1796251328987
hold_01M8WER8EVVN0X0Z7K11V09E4G	acct_01M8WER8EVAK3KAVZGVV2G1T0G	10	lot_01M8WER8EV3XAYJD5FY1XSEQTR:6,lot_01M8WER8EV93QBB5VJAGNBSAK0:4	captured	proposal	prop_01M8WER8EVNJR2J3PANX0ZA2W8	1796251328987
hold_01M8WER8EVZYNBR98YA88NGY0V	acct_01M8WER8EVTN288VBDMQYW4VPY	20	lot_01M8WER8EV7PRHXPM8KZ48K0H1:16,lot_01M8WER8EVNB6CQZ8A12D5YMNC:4	open	proposal	prop_01M8WER8EV566ENRRNX405RP3N	1796251328987
hold_01M8WER8EV0B14WCMR9T9SJJPW	acct_01M8WER8EVB90W6NNDJZVM5T28	15	lot_01M8WER8EVNE0EQG32SYHZ060X:10,lot_01M8WER8EVR4Q8KT2YG9892TYD:5	open	proposal	prop_01M8WER8EVFDG6N7DFNTW8WCT0	1796251328987
hold_01M8WER9DYR50239TJ7Q1H04PN	acct_01M8WER9AK3BEDXJD53VMV32FJ	5	lot_01M8WER9AK2XXJX2T4FDKQZHV5:5	released	proposal	prop_01M8WER9DY80XACEK0SMN287Z8	1796251329982
\.


--
-- Data for Name: idempotency_records; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.idempotency_records (caller, key, fingerprint, status, content_type, body, created_at) FROM stdin;
admin	1796251329781263852	56922e9f6c37b19c9247e97b921f51fae34936fbf368de2e2414c43c334d	201	application/json	\\x7b2262616c616e6365223a7b22617661696c61626c65223a302c2268656c64223a302c22746f74616c223a307d2c22637265617465644174223a22323032362d31322d30325432323a34323a30392e3830375a222c226379636c65223a6e756c6c2c226578706972696e67223a5b5d2c2265787465726e616c4964223a22636c69656e742d31222c226964223a22616363745f30314d385745523938463350534d335937364d30415852394746222c226b696e64223a22636c69656e74222c226e616d65223a6e756c6c2c2270656e64696e67506c616e223a6e756c6c2c22706c616e223a6e756c6c2c22737461747573223a22616374697665227d	1796251329807
admin	1796251329853430570	e4dcd0a178f3efe41988bd6d891e243702facd31fc72e16daad2a8261ada	201	application/json	\\x7b2262616c616e6365223a7b22617661696c61626c65223a35302c2268656c64223a302c22746f74616c223a35307d2c22637265617465644174223a22323032362d31322d30325432323a34323a30392e3837355a222c226379636c65223a7b22656e64223a22323032372d30312d30325432323a34323a30392e3837355a222c226e6578744772616e744174223a22323032372d30312d30325432323a34323a30392e3837355a222c227374617274223a22323032362d31322d30325432323a34323a30392e3837355a227d2c226578706972696e67223a5b5d2c2265787465726e616c4964223a22616e61222c226964223a22616363745f30314d3857455239414b33424544584a443533564d563332464a222c226b696e64223a22667265656c616e636572222c226e616d65223a6e756c6c2c2270656e64696e67506c616e223a6e756c6c2c22706c616e223a226261736963222c22737461747573223a22616374697665227d	1796251329875
admin	1796251329913351440	c97a48895d8e8afc3089b7d2f6b6f95f92b7ed058ca121ea479bfef435d84	201	application/json	\\x7b22626f6f7374223a7b22636c6f736564223a66616c73652c22636c6f7365734174223a22323032362d31322d30395432323a34323a30392e3933345a222c22736c6f7473223a347d2c22627564676574223a7b2263757272656e6379223a22555344222c226d696e6f72223a34303030307d2c22636c69656e744964223a22616363745f30314d385745523938463350534d335937364d30415852394746222c22636f6e6e656374436f7374223a342c22657870697265734174223a22323032372d30312d30315432323a34323a30392e3933345a222c22686972656450726f706f73616c4964223a6e756c6c2c22686972696e67446561646c696e65223a6e756c6c2c226964223a226a6f625f30314d385745523943454d58593244375830343630504b433050222c22706f737465644174223a22323032362d31322d30325432323a34323a30392e3933345a222c2270726f706f73616c436f756e74223a302c22737461747573223a226f70656e222c227469746c65223a224c6f676f227d	1796251329934
admin	1796251329960300948	3095a21aa3aa54b6f7df3367b77134439d87f5c332d77a6ac8af659e796080	201	application/json	\\x7b226167656e63794964223a6e756c6c2c22626f6f7374223a7b22626964223a352c227374617465223a2268656c64227d2c22666565223a342c22667265656c616e6365724964223a22616363745f30314d3857455239414b33424544584a443533564d563332464a222c226964223a2270726f705f30314d385745523944593830584143454b30534d4e3238375a38222c22696e7669746564223a66616c73652c226a6f624964223a226a6f625f30314d385745523943454d58593244375830343630504b433050222c226b6570744279223a6e756c6c2c2272657475726e6564223a6e756c6c2c22737461747573223a227375626d6974746564222c227375626d69747465644174223a22323032362d31322d30325432323a34323a30392e3938325a222c227669657765644174223a6e756c6c7d	1796251329982
admin	1796251330010431603	b8d8615ecf0eeef4bb1fa43fca42b0e94aacb295658b8e8a669dd1781a5f	200	application/json	\\x7b22626f6f7374223a7b22636c6f736564223a747275652c22636c6f7365734174223a22323032362d31322d30395432323a34323a30392e3933345a222c22736c6f7473223a347d2c22627564676574223a7b2263757272656e6379223a22555344222c226d696e6f72223a34303030307d2c22636c69656e744964223a22616363745f30314d385745523938463350534d335937364d30415852394746222c22636f6e6e656374436f7374223a342c22657870697265734174223a22323032372d30312d30315432323a34323a30392e3933345a222c22686972656450726f706f73616c4964223a6e756c6c2c22686972696e67446561646c696e65223a6e756c6c2c226964223a226a6f625f30314d385745523943454d58593244375830343630504b433050222c22706f737465644174223a22323032362d31322d30325432323a34323a30392e3933345a222c2270726f706f73616c436f756e74223a312c22737461747573223a22636c6f736564222c227469746c65223a224c6f676f227d	1796251330036
admin	1796251330084768844	b31d6036e01acc8bfac92b751d5e89247a1eb5acb63a495120e9cfb456a3a7	201	application/json	\\x7b226163636f756e744964223a22616363745f30314d3857455239414b33424544584a443533564d563332464a222c22616d6f756e7450616964223a7b2263757272656e6379223a22555344222c226d696e6f72223a3330307d2c22656e7472794964223a22656e745f30314d385745523948544a5339534d3430474133563343384143222c226964223a227075725f30314d38574552394854334337413652573933324833414b4258222c227061796d656e745265666572656e6365223a2263685f31222c227175616e74697479223a32307d	1796251330106
admin	1796251330136752920	16d25ed73ff14084e8e57f56e094dc0e3669184a8ab08c6b44ab9217a4cd	201	application/json	\\x7b22656e747279223a7b226163636f756e744964223a22616363745f30314d3857455239414b33424544584a443533564d563332464a222c226163746f72223a2273797374656d222c22616c6c6f636174696f6e73223a5b7b22616d6f756e74223a33302c226c6f744964223a226c6f745f30314d38574552394b444d4453384541575a415931385a4e334b227d5d2c22616d6f756e74223a33302c2262616c616e63654166746572223a7b22617661696c61626c65223a3130302c2268656c64223a302c22746f74616c223a3130307d2c226361757365223a7b226964223a22726973696e675f74616c656e74222c2274797065223a22726577617264227d2c22637265617465644174223a22323032362d31322d30325432323a34323a31302e3135375a222c2268656c64223a302c226964223a22656e745f30314d38574552394b44394d4a335a4d3453434b4b4e56423547222c226b696e64223a22726577617264222c22706f6c69637956657273696f6e223a312c22726561736f6e223a6e756c6c2c227265766572736573223a6e756c6c2c2272756c65223a6e756c6c2c227469636b6574223a6e756c6c2c22756e7265766572736564223a6e756c6c7d2c226772616e746564223a747275652c2272756c65223a6e756c6c7d	1796251330157
admin	1796251330197355766	5c60bff3f17ef95fff63388d8919747e31fdc32911f035c4f49745923fb98bdc	201	application/json	\\x7b226163636f756e744964223a22616363745f30314d3857455239414b33424544584a443533564d563332464a222c226163746f72223a2261646d696e3a61646d696e222c22616c6c6f636174696f6e73223a5b7b22616d6f756e74223a332c226c6f744964223a226c6f745f30314d3857455239414b3258584a5832543446444b515a485635227d5d2c22616d6f756e74223a2d332c2262616c616e63654166746572223a7b22617661696c61626c65223a39372c2268656c64223a302c22746f74616c223a39377d2c226361757365223a7b226964223a22542d31303031222c2274797065223a22737570706f7274227d2c22637265617465644174223a22323032362d31322d30325432323a34323a31302e3231395a222c2268656c64223a302c226964223a22656e745f30314d38574552394e424639504a423754484146325852543632222c226b696e64223a2261646a7573746d656e74222c22706f6c69637956657273696f6e223a312c22726561736f6e223a226475706c696361746520636f757274657379222c227265766572736573223a6e756c6c2c2272756c65223a6e756c6c2c227469636b6574223a22542d31303031222c22756e7265766572736564223a6e756c6c7d	1796251330219
\.


--
-- Data for Name: invitations; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.invitations (job_id, freelancer_id, created_at) FROM stdin;
\.


--
-- Data for Name: jobs; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.jobs (id, client_id, title, budget_currency, budget_minor, connect_cost, posted_at, hiring_deadline, expires_at, status, boost_slots, boost_closes_at, auction_closed, last_client_activity_at, proposal_count, hired_proposal_id) FROM stdin;
job_01M8WER8EVEKTRRRQTAHHJ7SF7	acct_01M8WER8EV0176M7NE6EECBGHR	Fix a checkout bug	USD	30000	4	1796251328987	\N	1798843328987	filled	4	1796856128987	1	1796251328987	2	prop_01M8WER8EVB3BX6MAMKXR1N1DB
job_01M8WER8EVSV5MXG38YXCWFJVC	acct_01M8WER8EV0176M7NE6EECBGHR	Logo design	USD	40000	4	1796251328987	\N	1798843328987	open	4	1796856128987	0	1796251328987	4	\N
job_01M8WER8EVY6NTSDFNX8H72BBR	acct_01M8WER8EVH0GZ8GTEFGGS0X42	iOS app	USD	800000	16	1796251328987	\N	1798843328987	open	4	1796856128987	0	1796251328987	2	\N
job_01M8WER8EVKKTMTGAX5D99XK5H	acct_01M8WER8EVH0GZ8GTEFGGS0X42	Landing page	USD	5000	2	1796251328987	\N	1798843328987	closed	4	1796856128987	1	1796251328987	2	\N
job_01M8WER9CEMXY2D7X0460PKC0P	acct_01M8WER98F3PSM3Y76M0AXR9GF	Logo	USD	40000	4	1796251329934	\N	1798843329934	closed	4	1796856129934	1	1796251329934	1	\N
\.


--
-- Data for Name: lots; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.lots (id, account_id, source, amount, remaining, held, granted_at, expires_at, entry_id, expiry_noticed) FROM stdin;
lot_01M8WER8EVS7BDZKZKWTCAJ0TC	acct_01M8WER8EVDPXZ0C34KX9FFF8N	plan	10	10	0	1796251328987	1827787328987	ent_01M8WER8EV27F75EZNXZ04AB3G	0
lot_01M8WER8EVNQH5XDVPG2CHHFNC	acct_01M8WER8EV3Y1FTCTJ7VKD3KM4	signup	40	40	0	1796251328987	1827787328987	ent_01M8WER8EVCYYW900T9Y1ETW0X	0
lot_01M8WER8EVFRSWXJZ7Y1RBQAJS	acct_01M8WER8EV3Y1FTCTJ7VKD3KM4	plan	100	96	0	1796251328987	1827787328987	ent_01M8WER8EVDF0DXC6ZB0TSMFHM	0
lot_01M8WER8EV3XAYJD5FY1XSEQTR	acct_01M8WER8EVAK3KAVZGVV2G1T0G	plan	10	0	0	1796251328987	1827787328987	ent_01M8WER8EV6K3RDE6JFKFAT5D3	0
lot_01M8WER8EVNB6CQZ8A12D5YMNC	acct_01M8WER8EVTN288VBDMQYW4VPY	plan	100	100	4	1796251328987	1827787328987	ent_01M8WER8EVNFZ01SRMDCQ7S4YS	0
lot_01M8WER8EV7PRHXPM8KZ48K0H1	acct_01M8WER8EVTN288VBDMQYW4VPY	signup	40	16	16	1796251328987	1827787328987	ent_01M8WER8EV8182VE1WN88T0MRY	0
lot_01M8WER8EVR4Q8KT2YG9892TYD	acct_01M8WER8EVB90W6NNDJZVM5T28	plan	100	100	5	1796251328987	1827787328987	ent_01M8WER8EVN7857YSWGVBHJEGQ	0
lot_01M8WER8EVNE0EQG32SYHZ060X	acct_01M8WER8EVB90W6NNDJZVM5T28	signup	40	16	16	1796251328987	1827787328987	ent_01M8WER8EVFQ88QFF9RWKD5PQY	0
lot_01M8WER8EV93QBB5VJAGNBSAK0	acct_01M8WER8EVAK3KAVZGVV2G1T0G	signup	40	36	0	1796251328987	1827787328987	ent_01M8WER8EV8K4ZA16X7BYHV766	0
lot_01M8WER8EVDVBW8Y772M9PKKEE	acct_01M8WER8EVDPXZ0C34KX9FFF8N	signup	40	40	0	1796251328987	1827787328987	ent_01M8WER8EVYWE0435RX3WFWGHE	0
lot_01M8WER8EV79NWKS158CCWZ03G	acct_01M8WER8EVAK3KAVZGVV2G1T0G	purchase	40	40	0	1796251328987	1827787328987	ent_01M8WER8EVH1BQVY89PV0KG0B6	0
lot_01M8WER8EV6X5BPYXD3892K735	acct_01M8WER8EVAK3KAVZGVV2G1T0G	reward	30	30	0	1796251328987	1827787328987	ent_01M8WER8EV0B65PGJ9N268BDHS	0
lot_01M8WER9AKJMPF1X436QCHGEB4	acct_01M8WER9AK3BEDXJD53VMV32FJ	plan	10	10	0	1796251329875	1827787329875	ent_01M8WER9AKK58208XHDQDHT1T9	0
lot_01M8WER9HTHY4J4Z7Z90FSEFSH	acct_01M8WER9AK3BEDXJD53VMV32FJ	purchase	20	20	0	1796251330106	1827787330106	ent_01M8WER9HTJS9SM40GA3V3C8AC	0
lot_01M8WER9KDMDS8EAWZAY18ZN3K	acct_01M8WER9AK3BEDXJD53VMV32FJ	reward	30	30	0	1796251330157	1827787330157	ent_01M8WER9KD9MJ3ZM4SCKKNVB5G	0
lot_01M8WER9AK2XXJX2T4FDKQZHV5	acct_01M8WER9AK3BEDXJD53VMV32FJ	signup	40	37	0	1796251329875	1827787329875	ent_01M8WER9AKD8KQGCDZ9ZBPF5HW	0
\.


--
-- Data for Name: policies; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.policies (version, document, created_at) FROM stdin;
1	{"boost":{"maxBid":1000,"slots":4,"windowDays":7},"costs":{"ladder":[{"cost":2,"upToMinor":5000},{"cost":4,"upToMinor":50000},{"cost":8,"upToMinor":500000},{"cost":16}],"withoutBudget":4},"expiry":{"days":365,"noticeDays":7},"jobs":{"lifetimeDays":30},"plans":[{"allotment":10,"key":"basic"},{"allotment":100,"key":"plus"}],"pricing":{"bundles":[10,20,40,60,80],"custom":{"max":10000,"min":1},"pricePerConnect":{"currency":"USD","minor":15}},"promoCodes":[],"returns":{"graceDays":30,"onDecline":false,"onJobExpiry":false},"rewards":[{"amount":40,"description":"Joining the marketplace","key":"signup","once":true},{"amount":30,"description":"Earning the Rising Talent badge","key":"rising_talent","once":true},{"amount":10,"capPer7Days":50,"description":"Winning an interview with an established client","establishedClientOnly":true,"key":"interview_won","once":false},{"amount":10,"description":"Passing a skill certification","key":"skill_certification","once":false}],"support":{"maxAdjustment":100}}	1796251328941
\.


--
-- Data for Name: proposals; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.proposals (id, job_id, freelancer_id, agency_id, payer_id, status, fee, fee_entry_id, invited, boost_bid, boost_state, boost_hold_id, boost_capture_entry_id, submitted_at, viewed_at, returned_amount, returned_rule, returned_at, kept_by) FROM stdin;
prop_01M8WER8EVB3BX6MAMKXR1N1DB	job_01M8WER8EVEKTRRRQTAHHJ7SF7	acct_01M8WER8EVB90W6NNDJZVM5T28	\N	acct_01M8WER8EVB90W6NNDJZVM5T28	hired	4	ent_01M8WER8EVN7F1N4BMW3YHVNG7	0	\N	\N	\N	\N	1796251328987	\N	\N	\N	\N	no_return.hired
prop_01M8WER8EV3TN78PVAE9E0792R	job_01M8WER8EVEKTRRRQTAHHJ7SF7	acct_01M8WER8EVTN288VBDMQYW4VPY	\N	acct_01M8WER8EVTN288VBDMQYW4VPY	not_hired	4	ent_01M8WER8EVPVB5DSDEEZ5EA802	0	\N	\N	\N	\N	1796251328987	\N	\N	\N	\N	no_return.hired_other
prop_01M8WER8EVPASMWHW8421D1H8X	job_01M8WER8EVSV5MXG38YXCWFJVC	acct_01M8WER8EVB90W6NNDJZVM5T28	\N	acct_01M8WER8EVB90W6NNDJZVM5T28	submitted	4	ent_01M8WER8EVCSK1JDBRXEYTMCKP	0	6	held	hold_01M8WER8EV914WQV1RJE211EQK	\N	1796251328987	\N	\N	\N	\N	\N
prop_01M8WER8EVAHYZRFFVDR47M20M	job_01M8WER8EVSV5MXG38YXCWFJVC	acct_01M8WER8EVTN288VBDMQYW4VPY	\N	acct_01M8WER8EVTN288VBDMQYW4VPY	submitted	4	ent_01M8WER8EVA20AP84FGJQ5MC2R	0	\N	\N	\N	\N	1796251328987	\N	\N	\N	\N	\N
prop_01M8WER8EV9H5DVK8RJAN0D550	job_01M8WER8EVSV5MXG38YXCWFJVC	acct_01M8WER8EVDPXZ0C34KX9FFF8N	acct_01M8WER8EV3Y1FTCTJ7VKD3KM4	acct_01M8WER8EV3Y1FTCTJ7VKD3KM4	submitted	4	ent_01M8WER8EVZJ1P9BPZC7WA1AXD	0	\N	\N	\N	\N	1796251328987	\N	\N	\N	\N	\N
prop_01M8WER8EVNJR2J3PANX0ZA2W8	job_01M8WER8EVSV5MXG38YXCWFJVC	acct_01M8WER8EVAK3KAVZGVV2G1T0G	\N	acct_01M8WER8EVAK3KAVZGVV2G1T0G	viewed	4	ent_01M8WER8EV62GZN1W66D6KRZ68	0	10	captured	hold_01M8WER8EVVN0X0Z7K11V09E4G	ent_01M8WER8EVYVRM35MTWFREDR3R	1796251328987	1796251328987	\N	\N	\N	\N
prop_01M8WER8EV566ENRRNX405RP3N	job_01M8WER8EVY6NTSDFNX8H72BBR	acct_01M8WER8EVTN288VBDMQYW4VPY	\N	acct_01M8WER8EVTN288VBDMQYW4VPY	submitted	16	ent_01M8WER8EV1EXJXRX7YR6EW8T3	0	20	held	hold_01M8WER8EVZYNBR98YA88NGY0V	\N	1796251328987	\N	\N	\N	\N	\N
prop_01M8WER8EVFDG6N7DFNTW8WCT0	job_01M8WER8EVY6NTSDFNX8H72BBR	acct_01M8WER8EVB90W6NNDJZVM5T28	\N	acct_01M8WER8EVB90W6NNDJZVM5T28	submitted	16	ent_01M8WER8EV3MXYSBCZK6QKA7TB	0	15	held	hold_01M8WER8EV0B14WCMR9T9SJJPW	\N	1796251328987	\N	\N	\N	\N	\N
prop_01M8WER8EVXBSTN4GQ4XV1X345	job_01M8WER8EVKKTMTGAX5D99XK5H	acct_01M8WER8EVAK3KAVZGVV2G1T0G	\N	acct_01M8WER8EVAK3KAVZGVV2G1T0G	not_hired	2	ent_01M8WER8EV0ZWSQMYEDA6QR5EP	0	\N	\N	\N	\N	1796251328987	\N	2	returns.jobClosedWithoutHire	1796251328987	\N
prop_01M8WER8EVMDCHFYGJ5MVFB9NF	job_01M8WER8EVKKTMTGAX5D99XK5H	acct_01M8WER8EVDPXZ0C34KX9FFF8N	\N	acct_01M8WER8EVDPXZ0C34KX9FFF8N	not_hired	2	ent_01M8WER8EVDK593KDFAVA6NYMF	0	\N	\N	\N	\N	1796251328987	\N	2	returns.jobClosedWithoutHire	1796251328987	\N
prop_01M8WER9DY80XACEK0SMN287Z8	job_01M8WER9CEMXY2D7X0460PKC0P	acct_01M8WER9AK3BEDXJD53VMV32FJ	\N	acct_01M8WER9AK3BEDXJD53VMV32FJ	not_hired	4	ent_01M8WER9DYDMTPXYQ8C51G5N4X	0	5	released	hold_01M8WER9DYR50239TJ7Q1H04PN	\N	1796251329982	\N	4	returns.jobClosedWithoutHire	1796251330036	\N
\.


--
-- Data for Name: purchases; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.purchases (id, account_id, quantity, currency, amount_minor, payment_reference, entry_id, created_at) FROM stdin;
pur_01M8WER8EVD4XQSASQ9T4T67A3	acct_01M8WER8EVAK3KAVZGVV2G1T0G	40	USD	600	demo-payment-1	ent_01M8WER8EVH1BQVY89PV0KG0B6	1796251328987
pur_01M8WER9HT3C7A6RW932H3AKBX	acct_01M8WER9AK3BEDXJD53VMV32FJ	20	USD	300	ch_1	ent_01M8WER9HTJS9SM40GA3V3C8AC	1796251330106
\.


--
-- Data for Name: schema_migrations; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.schema_migrations (name, applied_at) FROM stdin;
v1	2026-12-02 22:42:08.566211+00
v2-event-fan-out	2026-12-02 22:42:08.566211+00
v3-cycle-due-by-id	2026-12-02 22:42:08.566211+00
v4-auctions-open	2026-12-02 22:42:08.566211+00
v5-expiry-noticed	2026-12-02 22:42:08.566211+00
v6-ledger-rows-unchecked	2026-12-02 22:42:08.566211+00
\.


--
-- Data for Name: settings; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.settings (key, value) FROM stdin;
\.


--
-- Data for Name: webhooks; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.webhooks (id, url, events, secret, created_at, deleted_at) FROM stdin;
\.


--
-- Name: events_seq_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.events_seq_seq', 34, true);


--
-- Name: accounts accounts_kind_external_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.accounts
    ADD CONSTRAINT accounts_kind_external_id_key UNIQUE (kind, external_id);


--
-- Name: accounts accounts_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.accounts
    ADD CONSTRAINT accounts_pkey PRIMARY KEY (id);


--
-- Name: agency_members agency_members_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.agency_members
    ADD CONSTRAINT agency_members_pkey PRIMARY KEY (agency_id, freelancer_id);


--
-- Name: api_keys api_keys_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.api_keys
    ADD CONSTRAINT api_keys_pkey PRIMARY KEY (id);


--
-- Name: api_keys api_keys_secret_hash_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.api_keys
    ADD CONSTRAINT api_keys_secret_hash_key UNIQUE (secret_hash);


--
-- Name: deliveries deliveries_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.deliveries
    ADD CONSTRAINT deliveries_pkey PRIMARY KEY (webhook_id, event_seq);


--
-- Name: entries entries_account_id_sequence_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.entries
    ADD CONSTRAINT entries_account_id_sequence_key UNIQUE (account_id, sequence);


--
-- Name: entries entries_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.entries
    ADD CONSTRAINT entries_pkey PRIMARY KEY (id);


--
-- Name: events events_dedupe_key_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.events
    ADD CONSTRAINT events_dedupe_key_key UNIQUE (dedupe_key);


--
-- Name: events events_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.events
    ADD CONSTRAINT events_id_key UNIQUE (id);


--
-- Name: events events_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.events
    ADD CONSTRAINT events_pkey PRIMARY KEY (seq);


--
-- Name: holds holds_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.holds
    ADD CONSTRAINT holds_pkey PRIMARY KEY (id);


--
-- Name: idempotency_records idempotency_records_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.idempotency_records
    ADD CONSTRAINT idempotency_records_pkey PRIMARY KEY (caller, key);


--
-- Name: invitations invitations_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.invitations
    ADD CONSTRAINT invitations_pkey PRIMARY KEY (job_id, freelancer_id);


--
-- Name: jobs jobs_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.jobs
    ADD CONSTRAINT jobs_pkey PRIMARY KEY (id);


--
-- Name: lots lots_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.lots
    ADD CONSTRAINT lots_pkey PRIMARY KEY (id);


--
-- Name: policies policies_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.policies
    ADD CONSTRAINT policies_pkey PRIMARY KEY (version);


--
-- Name: proposals proposals_job_id_freelancer_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.proposals
    ADD CONSTRAINT proposals_job_id_freelancer_id_key UNIQUE (job_id, freelancer_id);


--
-- Name: proposals proposals_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.proposals
    ADD CONSTRAINT proposals_pkey PRIMARY KEY (id);


--
-- Name: purchases purchases_payment_reference_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.purchases
    ADD CONSTRAINT purchases_payment_reference_key UNIQUE (payment_reference);


--
-- Name: purchases purchases_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.purchases
    ADD CONSTRAINT purchases_pkey PRIMARY KEY (id);


--
-- Name: schema_migrations schema_migrations_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.schema_migrations
    ADD CONSTRAINT schema_migrations_pkey PRIMARY KEY (name);


--
-- Name: settings settings_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.settings
    ADD CONSTRAINT settings_pkey PRIMARY KEY (key);


--
-- Name: webhooks webhooks_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.webhooks
    ADD CONSTRAINT webhooks_pkey PRIMARY KEY (id);


--
-- Name: accounts_cycle_due; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX accounts_cycle_due ON public.accounts USING btree (next_cycle_at, id) WHERE (status = 'active'::text);


--
-- Name: deliveries_pending; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX deliveries_pending ON public.deliveries USING btree (webhook_id, account_id, event_seq) WHERE (state = 'pending'::text);


--
-- Name: entries_by_time; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX entries_by_time ON public.entries USING btree (account_id, created_at);


--
-- Name: entries_event_key; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX entries_event_key ON public.entries USING btree (event_key) WHERE (event_key IS NOT NULL);


--
-- Name: entries_one_reversal; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX entries_one_reversal ON public.entries USING btree (reverses) WHERE (kind = 'reversal'::text);


--
-- Name: events_by_account; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX events_by_account ON public.events USING btree (account_id, seq);


--
-- Name: holds_open; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX holds_open ON public.holds USING btree (account_id) WHERE (state = 'open'::text);


--
-- Name: idempotency_records_by_age; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idempotency_records_by_age ON public.idempotency_records USING btree (created_at);


--
-- Name: jobs_auction_open; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX jobs_auction_open ON public.jobs USING btree (boost_closes_at) WHERE (auction_closed = 0);


--
-- Name: jobs_by_client; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX jobs_by_client ON public.jobs USING btree (client_id, status);


--
-- Name: jobs_open_by_time; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX jobs_open_by_time ON public.jobs USING btree (expires_at) WHERE (status = 'open'::text);


--
-- Name: lots_by_account; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX lots_by_account ON public.lots USING btree (account_id, id);


--
-- Name: lots_expiring; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX lots_expiring ON public.lots USING btree (expires_at) WHERE (remaining > held);


--
-- Name: lots_expiry_unnoticed; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX lots_expiry_unnoticed ON public.lots USING btree (expires_at) WHERE ((remaining > held) AND (expiry_noticed = 0));


--
-- Name: lots_open; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX lots_open ON public.lots USING btree (account_id) WHERE (remaining > 0);


--
-- Name: proposals_bidding; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX proposals_bidding ON public.proposals USING btree (job_id) WHERE (boost_state = ANY (ARRAY['held'::text, 'captured'::text]));


--
-- Name: proposals_by_freelancer; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX proposals_by_freelancer ON public.proposals USING btree (freelancer_id, submitted_at);


--
-- Name: proposals_by_job; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX proposals_by_job ON public.proposals USING btree (job_id, submitted_at);


--
-- Name: proposals_unviewed; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX proposals_unviewed ON public.proposals USING btree (submitted_at) WHERE ((status = 'submitted'::text) AND (returned_at IS NULL) AND (kept_by IS NULL));


--
-- Name: entries entries_are_append_only_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER entries_are_append_only_delete BEFORE DELETE ON public.entries FOR EACH ROW EXECUTE FUNCTION public.entries_are_append_only();


--
-- Name: entries entries_are_append_only_truncate; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER entries_are_append_only_truncate BEFORE TRUNCATE ON public.entries FOR EACH STATEMENT EXECUTE FUNCTION public.entries_are_append_only();


--
-- Name: entries entries_are_append_only_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER entries_are_append_only_update BEFORE UPDATE ON public.entries FOR EACH ROW EXECUTE FUNCTION public.entries_are_append_only();


--
-- Name: events events_fan_out; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER events_fan_out AFTER INSERT ON public.events FOR EACH ROW EXECUTE FUNCTION public.events_fan_out();


--
-- Name: agency_members agency_members_agency_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.agency_members
    ADD CONSTRAINT agency_members_agency_id_fkey FOREIGN KEY (agency_id) REFERENCES public.accounts(id);


--
-- Name: agency_members agency_members_freelancer_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.agency_members
    ADD CONSTRAINT agency_members_freelancer_id_fkey FOREIGN KEY (freelancer_id) REFERENCES public.accounts(id);


--
-- Name: api_keys api_keys_account_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.api_keys
    ADD CONSTRAINT api_keys_account_id_fkey FOREIGN KEY (account_id) REFERENCES public.accounts(id);


--
-- Name: deliveries deliveries_event_seq_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.deliveries
    ADD CONSTRAINT deliveries_event_seq_fkey FOREIGN KEY (event_seq) REFERENCES public.events(seq);


--
-- Name: deliveries deliveries_webhook_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.deliveries
    ADD CONSTRAINT deliveries_webhook_id_fkey FOREIGN KEY (webhook_id) REFERENCES public.webhooks(id);


--
-- Name: invitations invitations_freelancer_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.invitations
    ADD CONSTRAINT invitations_freelancer_id_fkey FOREIGN KEY (freelancer_id) REFERENCES public.accounts(id);


--
-- Name: invitations invitations_job_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.invitations
    ADD CONSTRAINT invitations_job_id_fkey FOREIGN KEY (job_id) REFERENCES public.jobs(id);


--
-- Name: jobs jobs_client_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.jobs
    ADD CONSTRAINT jobs_client_id_fkey FOREIGN KEY (client_id) REFERENCES public.accounts(id);


--
-- Name: proposals proposals_agency_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.proposals
    ADD CONSTRAINT proposals_agency_id_fkey FOREIGN KEY (agency_id) REFERENCES public.accounts(id);


--
-- Name: proposals proposals_boost_capture_entry_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.proposals
    ADD CONSTRAINT proposals_boost_capture_entry_id_fkey FOREIGN KEY (boost_capture_entry_id) REFERENCES public.entries(id);


--
-- Name: proposals proposals_fee_entry_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.proposals
    ADD CONSTRAINT proposals_fee_entry_id_fkey FOREIGN KEY (fee_entry_id) REFERENCES public.entries(id);


--
-- Name: proposals proposals_freelancer_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.proposals
    ADD CONSTRAINT proposals_freelancer_id_fkey FOREIGN KEY (freelancer_id) REFERENCES public.accounts(id);


--
-- Name: proposals proposals_job_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.proposals
    ADD CONSTRAINT proposals_job_id_fkey FOREIGN KEY (job_id) REFERENCES public.jobs(id);


--
-- Name: proposals proposals_payer_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.proposals
    ADD CONSTRAINT proposals_payer_id_fkey FOREIGN KEY (payer_id) REFERENCES public.accounts(id);


--
-- Name: purchases purchases_account_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.purchases
    ADD CONSTRAINT purchases_account_id_fkey FOREIGN KEY (account_id) REFERENCES public.accounts(id);


--
-- Name: purchases purchases_entry_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.purchases
    ADD CONSTRAINT purchases_entry_id_fkey FOREIGN KEY (entry_id) REFERENCES public.entries(id);


--
-- PostgreSQL database dump complete
--


