-- The knowledge base (src/server/kb/): categories → sections → articles, one text per locale, every change kept as a
-- revision. The help centre, the widget's suggestions, the bot and the console all read the published texts.

-- Who may edit the knowledge base besides admins: agents holding the 'kb_editor' permission.
ALTER TABLE agents ADD COLUMN permissions text[] NOT NULL DEFAULT '{}';

CREATE TABLE kb_categories (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations(id),
  slug text NOT NULL CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  -- { "zh-CN": "充值", "en": "Deposits" }; zh-TW derived from zh-CN when absent.
  names jsonb NOT NULL DEFAULT '{}',
  position integer NOT NULL DEFAULT 0,
  UNIQUE (org_id, slug)
);

CREATE TABLE kb_sections (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations(id),
  category_id uuid NOT NULL REFERENCES kb_categories(id) ON DELETE CASCADE,
  slug text NOT NULL CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  names jsonb NOT NULL DEFAULT '{}',
  position integer NOT NULL DEFAULT 0,
  UNIQUE (org_id, category_id, slug)
);

CREATE TABLE kb_articles (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations(id),
  slug text NOT NULL CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  section_id uuid REFERENCES kb_sections(id) ON DELETE SET NULL,
  status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'archived')),
  -- The bot's intent ids (src/contracts/intents.ts) this article answers.
  intents text[] NOT NULL DEFAULT '{}',
  related_slugs text[] NOT NULL DEFAULT '{}',
  -- The language the article was written in; the others are translations of it (zh-TW of zh-CN, always).
  source_locale text NOT NULL DEFAULT 'zh-CN' CHECK (source_locale IN ('zh-CN', 'en')),
  position integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  published_at timestamptz,
  UNIQUE (org_id, slug)
);
CREATE INDEX kb_articles_section_idx ON kb_articles (org_id, section_id, position);

-- One text per article and locale. body_html is rendered and sanitised once, on save.
CREATE TABLE kb_article_texts (
  org_id uuid NOT NULL REFERENCES organizations(id),
  article_id uuid NOT NULL REFERENCES kb_articles(id) ON DELETE CASCADE,
  locale text NOT NULL CHECK (locale IN ('zh-CN', 'zh-TW', 'en')),
  title text NOT NULL,
  body_md text NOT NULL,
  body_html text NOT NULL,
  tags text[] NOT NULL DEFAULT '{}',
  -- Made by the Taiwan-usage converter from zh-CN and not edited by hand since.
  generated boolean NOT NULL DEFAULT false,
  -- The revision of the source text (zh-CN for zh-TW, the other language otherwise) this text was last made or
  -- checked against: when the source moves past it, this translation is stale.
  source_revision integer,
  revision integer NOT NULL DEFAULT 1,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (article_id, locale)
);

-- Every saved version of a text, with who and when: the history, diffs and restores read it.
CREATE TABLE kb_revisions (
  id bigserial PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organizations(id),
  article_id uuid NOT NULL REFERENCES kb_articles(id) ON DELETE CASCADE,
  locale text NOT NULL,
  revision integer NOT NULL,
  title text NOT NULL,
  body_md text NOT NULL,
  tags text[] NOT NULL DEFAULT '{}',
  generated boolean NOT NULL DEFAULT false,
  author_id uuid REFERENCES agents(id),
  author_name text,
  note text,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (article_id, locale, revision)
);

-- "Was this helpful?": one vote per visitor and article text (a later vote replaces the earlier one).
CREATE TABLE kb_feedback (
  org_id uuid NOT NULL REFERENCES organizations(id),
  article_id uuid NOT NULL REFERENCES kb_articles(id) ON DELETE CASCADE,
  locale text NOT NULL,
  visitor_key text NOT NULL,
  helpful boolean NOT NULL,
  comment text,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (article_id, locale, visitor_key)
);

-- Words the search treats as one (充值 = 充币 = 入金), per organization, on top of the built-in exchange synonyms.
CREATE TABLE kb_synonyms (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations(id),
  terms text[] NOT NULL CHECK (cardinality(terms) >= 2),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX kb_synonyms_org_idx ON kb_synonyms (org_id);
