
export type Json = string | number | boolean | null | { [key: string]: Json | undefined } | Json[]

export type Database = {
  
  "public": {
          Tables: {
            "accords": {
                  Row: {
                    "created_at": string,"id": string,"name": string,"name_normalized": string | null,"name_word_heads": (string)[] | null,"slug": string,"updated_at": string
                  }
                  ComputedFields: never
                  Insert: {
                    "created_at"?: string,"id"?: string,"name": string,"name_normalized"?: never,"name_word_heads"?: never,"slug": string,"updated_at"?: string
                  }
                  Update: {
                    "created_at"?: string,"id"?: string,"name"?: string,"name_normalized"?: never,"name_word_heads"?: never,"slug"?: string,"updated_at"?: string
                  }
                  Relationships: [
                    
                  ]
                },"affiliate_clicks": {
                  Row: {
                    "clicked_at": string,"created_at": string,"id": string,"listing_id": string,"redirect_url": string,"referrer": string | null,"retailer_id": string,"session_id": string | null,"updated_at": string,"user_id": string | null
                  }
                  ComputedFields: never
                  Insert: {
                    "clicked_at"?: string,"created_at"?: string,"id"?: string,"listing_id": string,"redirect_url": string,"referrer"?: string | null,"retailer_id": string,"session_id"?: string | null,"updated_at"?: string,"user_id"?: string | null
                  }
                  Update: {
                    "clicked_at"?: string,"created_at"?: string,"id"?: string,"listing_id"?: string,"redirect_url"?: string,"referrer"?: string | null,"retailer_id"?: string,"session_id"?: string | null,"updated_at"?: string,"user_id"?: string | null
                  }
                  Relationships: [
                    {
      foreignKeyName: "affiliate_clicks_listing_id_fkey"
      columns: ["listing_id"]
isOneToOne: false
      referencedRelation: "retailer_listings"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "affiliate_clicks_retailer_id_fkey"
      columns: ["retailer_id"]
isOneToOne: false
      referencedRelation: "retailers"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "affiliate_clicks_user_id_fkey"
      columns: ["user_id"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    }
                  ]
                },"alert_notifications": {
                  Row: {
                    "alert_id": string,"attempts": number,"created_at": string,"delivered_at": string | null,"event": number,"id": number,"last_error": string | null,"next_attempt_at": string,"payload": NonNullable<Json>,"status": string,"updated_at": string,"user_id": string
                  }
                  ComputedFields: never
                  Insert: {
                    "alert_id": string,"attempts"?: number,"created_at"?: string,"delivered_at"?: string | null,"event": number,"id"?: never,"last_error"?: string | null,"next_attempt_at"?: string,"payload": NonNullable<Json>,"status"?: string,"updated_at"?: string,"user_id": string
                  }
                  Update: {
                    "alert_id"?: string,"attempts"?: number,"created_at"?: string,"delivered_at"?: string | null,"event"?: number,"id"?: never,"last_error"?: string | null,"next_attempt_at"?: string,"payload"?: NonNullable<Json>,"status"?: string,"updated_at"?: string,"user_id"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "alert_notifications_alert_id_fkey"
      columns: ["alert_id"]
isOneToOne: false
      referencedRelation: "price_alerts"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "alert_notifications_user_id_fkey"
      columns: ["user_id"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    }
                  ]
                },"brand_aliases": {
                  Row: {
                    "alias": string,"alias_normalized": string | null,"brand_id": string,"created_at": string,"id": string,"updated_at": string
                  }
                  ComputedFields: never
                  Insert: {
                    "alias": string,"alias_normalized"?: never,"brand_id": string,"created_at"?: string,"id"?: string,"updated_at"?: string
                  }
                  Update: {
                    "alias"?: string,"alias_normalized"?: never,"brand_id"?: string,"created_at"?: string,"id"?: string,"updated_at"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "brand_aliases_brand_id_fkey"
      columns: ["brand_id"]
isOneToOne: false
      referencedRelation: "brands"
      referencedColumns: ["id"]
    }
                  ]
                },"brands": {
                  Row: {
                    "country": string | null,"created_at": string,"id": string,"name": string,"name_normalized": string | null,"slug": string,"updated_at": string,"website": string | null
                  }
                  ComputedFields: never
                  Insert: {
                    "country"?: string | null,"created_at"?: string,"id"?: string,"name": string,"name_normalized"?: never,"slug": string,"updated_at"?: string,"website"?: string | null
                  }
                  Update: {
                    "country"?: string | null,"created_at"?: string,"id"?: string,"name"?: string,"name_normalized"?: never,"slug"?: string,"updated_at"?: string,"website"?: string | null
                  }
                  Relationships: [
                    
                  ]
                },"collection_entries": {
                  Row: {
                    "created_at": string,"fragrance_id": string,"id": string,"note": string | null,"rating": number | null,"status": Database["public"]['Enums']["collection_status"],"updated_at": string,"user_id": string
                  }
                  ComputedFields: never
                  Insert: {
                    "created_at"?: string,"fragrance_id": string,"id"?: string,"note"?: string | null,"rating"?: number | null,"status": Database["public"]['Enums']["collection_status"],"updated_at"?: string,"user_id"?: string
                  }
                  Update: {
                    "created_at"?: string,"fragrance_id"?: string,"id"?: string,"note"?: string | null,"rating"?: number | null,"status"?: Database["public"]['Enums']["collection_status"],"updated_at"?: string,"user_id"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "collection_entries_fragrance_id_fkey"
      columns: ["fragrance_id"]
isOneToOne: false
      referencedRelation: "fragrances"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "collection_entries_user_id_fkey"
      columns: ["user_id"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    }
                  ]
                },"currencies": {
                  Row: {
                    "code": string,"created_at": string,"minor_units": number,"name": string,"updated_at": string
                  }
                  ComputedFields: never
                  Insert: {
                    "code": string,"created_at"?: string,"minor_units"?: number,"name": string,"updated_at"?: string
                  }
                  Update: {
                    "code"?: string,"created_at"?: string,"minor_units"?: number,"name"?: string,"updated_at"?: string
                  }
                  Relationships: [
                    
                  ]
                },"current_offers": {
                  Row: {
                    "batch_id": number,"change_vs_low_pct": number | null,"created_at": string,"currency": string,"in_stock": boolean,"listing_id": string,"low_30d_base": number | null,"median_30d_base": number | null,"observed_at": string,"price": number,"price_base": number,"price_per_100ml_base": number | null,"retailer_id": string,"shipping": number | null,"shipping_base": number | null,"stale": boolean,"updated_at": string,"variant_id": string | null
                  }
                  ComputedFields: never
                  Insert: {
                    "batch_id": number,"change_vs_low_pct"?: never,"created_at"?: string,"currency": string,"in_stock": boolean,"listing_id": string,"low_30d_base"?: number | null,"median_30d_base"?: number | null,"observed_at": string,"price": number,"price_base": number,"price_per_100ml_base"?: number | null,"retailer_id": string,"shipping"?: number | null,"shipping_base"?: number | null,"stale"?: boolean,"updated_at"?: string,"variant_id"?: string | null
                  }
                  Update: {
                    "batch_id"?: number,"change_vs_low_pct"?: never,"created_at"?: string,"currency"?: string,"in_stock"?: boolean,"listing_id"?: string,"low_30d_base"?: number | null,"median_30d_base"?: number | null,"observed_at"?: string,"price"?: number,"price_base"?: number,"price_per_100ml_base"?: number | null,"retailer_id"?: string,"shipping"?: number | null,"shipping_base"?: number | null,"stale"?: boolean,"updated_at"?: string,"variant_id"?: string | null
                  }
                  Relationships: [
                    
                  ]
                },"events": {
                  Row: {
                    "created_at": string,"id": number,"name": string,"occurred_at": string,"properties": NonNullable<Json>,"session_id": string | null,"updated_at": string,"user_id": string | null
                  }
                  ComputedFields: never
                  Insert: {
                    "created_at"?: string,"id"?: never,"name": string,"occurred_at"?: string,"properties"?: NonNullable<Json>,"session_id"?: string | null,"updated_at"?: string,"user_id"?: string | null
                  }
                  Update: {
                    "created_at"?: string,"id"?: never,"name"?: string,"occurred_at"?: string,"properties"?: NonNullable<Json>,"session_id"?: string | null,"updated_at"?: string,"user_id"?: string | null
                  }
                  Relationships: [
                    {
      foreignKeyName: "events_user_id_fkey"
      columns: ["user_id"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    }
                  ]
                },"fragrance_accords": {
                  Row: {
                    "accord_id": string,"created_at": string,"fragrance_id": string,"strength": number,"updated_at": string
                  }
                  ComputedFields: never
                  Insert: {
                    "accord_id": string,"created_at"?: string,"fragrance_id": string,"strength": number,"updated_at"?: string
                  }
                  Update: {
                    "accord_id"?: string,"created_at"?: string,"fragrance_id"?: string,"strength"?: number,"updated_at"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "fragrance_accords_accord_id_fkey"
      columns: ["accord_id"]
isOneToOne: false
      referencedRelation: "accords"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "fragrance_accords_fragrance_id_fkey"
      columns: ["fragrance_id"]
isOneToOne: false
      referencedRelation: "fragrances"
      referencedColumns: ["id"]
    }
                  ]
                },"fragrance_documents": {
                  Row: {
                    "content_hash": string,"created_at": string,"document": string,"facets": (string)[],"fragrance_id": string,"name_words": (string)[],"search_name": string,"search_vector": unknown,"updated_at": string
                  }
                  ComputedFields: never
                  Insert: {
                    "content_hash": string,"created_at"?: string,"document": string,"facets"?: (string)[],"fragrance_id": string,"name_words"?: (string)[],"search_name": string,"search_vector": unknown,"updated_at"?: string
                  }
                  Update: {
                    "content_hash"?: string,"created_at"?: string,"document"?: string,"facets"?: (string)[],"fragrance_id"?: string,"name_words"?: (string)[],"search_name"?: string,"search_vector"?: unknown,"updated_at"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "fragrance_documents_fragrance_id_fkey"
      columns: ["fragrance_id"]
isOneToOne: true
      referencedRelation: "fragrances"
      referencedColumns: ["id"]
    }
                  ]
                },"fragrance_embeddings": {
                  Row: {
                    "content_hash": string,"created_at": string,"dimension": number,"embedding": string,"embedding_half": unknown,"facets": (string)[],"fragrance_id": string,"model": string,"updated_at": string
                  }
                  ComputedFields: never
                  Insert: {
                    "content_hash": string,"created_at"?: string,"dimension"?: number,"embedding": string,"embedding_half"?: never,"facets"?: (string)[],"fragrance_id": string,"model": string,"updated_at"?: string
                  }
                  Update: {
                    "content_hash"?: string,"created_at"?: string,"dimension"?: number,"embedding"?: string,"embedding_half"?: never,"facets"?: (string)[],"fragrance_id"?: string,"model"?: string,"updated_at"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "fragrance_embeddings_fragrance_id_fkey"
      columns: ["fragrance_id"]
isOneToOne: true
      referencedRelation: "fragrance_documents"
      referencedColumns: ["fragrance_id"]
    }
                  ]
                },"fragrance_lines": {
                  Row: {
                    "brand_id": string,"created_at": string,"id": string,"name": string,"slug": string,"updated_at": string
                  }
                  ComputedFields: never
                  Insert: {
                    "brand_id": string,"created_at"?: string,"id"?: string,"name": string,"slug": string,"updated_at"?: string
                  }
                  Update: {
                    "brand_id"?: string,"created_at"?: string,"id"?: string,"name"?: string,"slug"?: string,"updated_at"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "fragrance_lines_brand_id_fkey"
      columns: ["brand_id"]
isOneToOne: false
      referencedRelation: "brands"
      referencedColumns: ["id"]
    }
                  ]
                },"fragrance_name_aliases": {
                  Row: {
                    "alias": string,"alias_normalized": string | null,"brand_id": string,"created_at": string,"id": string,"name": string,"updated_at": string
                  }
                  ComputedFields: never
                  Insert: {
                    "alias": string,"alias_normalized"?: never,"brand_id": string,"created_at"?: string,"id"?: string,"name": string,"updated_at"?: string
                  }
                  Update: {
                    "alias"?: string,"alias_normalized"?: never,"brand_id"?: string,"created_at"?: string,"id"?: string,"name"?: string,"updated_at"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "fragrance_name_aliases_brand_id_fkey"
      columns: ["brand_id"]
isOneToOne: false
      referencedRelation: "brands"
      referencedColumns: ["id"]
    }
                  ]
                },"fragrance_name_words": {
                  Row: {
                    "created_at": string,"updated_at": string,"word": string
                  }
                  ComputedFields: never
                  Insert: {
                    "created_at"?: string,"updated_at"?: string,"word": string
                  }
                  Update: {
                    "created_at"?: string,"updated_at"?: string,"word"?: string
                  }
                  Relationships: [
                    
                  ]
                },"fragrance_notes": {
                  Row: {
                    "created_at": string,"fragrance_id": string,"note_id": string,"position": number,"tier": Database["public"]['Enums']["note_tier"],"updated_at": string
                  }
                  ComputedFields: never
                  Insert: {
                    "created_at"?: string,"fragrance_id": string,"note_id": string,"position": number,"tier": Database["public"]['Enums']["note_tier"],"updated_at"?: string
                  }
                  Update: {
                    "created_at"?: string,"fragrance_id"?: string,"note_id"?: string,"position"?: number,"tier"?: Database["public"]['Enums']["note_tier"],"updated_at"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "fragrance_notes_fragrance_id_fkey"
      columns: ["fragrance_id"]
isOneToOne: false
      referencedRelation: "fragrances"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "fragrance_notes_note_id_fkey"
      columns: ["note_id"]
isOneToOne: false
      referencedRelation: "notes"
      referencedColumns: ["id"]
    }
                  ]
                },"fragrance_perfumers": {
                  Row: {
                    "created_at": string,"fragrance_id": string,"perfumer_id": string,"updated_at": string
                  }
                  ComputedFields: never
                  Insert: {
                    "created_at"?: string,"fragrance_id": string,"perfumer_id": string,"updated_at"?: string
                  }
                  Update: {
                    "created_at"?: string,"fragrance_id"?: string,"perfumer_id"?: string,"updated_at"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "fragrance_perfumers_fragrance_id_fkey"
      columns: ["fragrance_id"]
isOneToOne: false
      referencedRelation: "fragrances"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "fragrance_perfumers_perfumer_id_fkey"
      columns: ["perfumer_id"]
isOneToOne: false
      referencedRelation: "perfumers"
      referencedColumns: ["id"]
    }
                  ]
                },"fragrances": {
                  Row: {
                    "brand_id": string,"concentration": Database["public"]['Enums']["concentration"],"created_at": string,"deleted_at": string | null,"description": string | null,"family_slug": string | null,"gender": Database["public"]['Enums']["gender"],"id": string,"image_path": string | null,"launch_year": number | null,"line_id": string | null,"name": string,"name_normalized": string | null,"slug": string,"updated_at": string
                  }
                  ComputedFields: never
                  Insert: {
                    "brand_id": string,"concentration": Database["public"]['Enums']["concentration"],"created_at"?: string,"deleted_at"?: string | null,"description"?: string | null,"family_slug"?: string | null,"gender"?: Database["public"]['Enums']["gender"],"id"?: string,"image_path"?: string | null,"launch_year"?: number | null,"line_id"?: string | null,"name": string,"name_normalized"?: never,"slug": string,"updated_at"?: string
                  }
                  Update: {
                    "brand_id"?: string,"concentration"?: Database["public"]['Enums']["concentration"],"created_at"?: string,"deleted_at"?: string | null,"description"?: string | null,"family_slug"?: string | null,"gender"?: Database["public"]['Enums']["gender"],"id"?: string,"image_path"?: string | null,"launch_year"?: number | null,"line_id"?: string | null,"name"?: string,"name_normalized"?: never,"slug"?: string,"updated_at"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "fragrances_brand_id_fkey"
      columns: ["brand_id"]
isOneToOne: false
      referencedRelation: "brands"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "fragrances_family_slug_fkey"
      columns: ["family_slug"]
isOneToOne: false
      referencedRelation: "olfactive_families"
      referencedColumns: ["slug"]
    },{
      foreignKeyName: "fragrances_line_same_brand"
      columns: ["line_id","brand_id"]
isOneToOne: false
      referencedRelation: "fragrance_lines"
      referencedColumns: ["id","brand_id"]
    }
                  ]
                },"fx_rates": {
                  Row: {
                    "created_at": string,"currency": string,"rate_to_base": number,"source": string,"updated_at": string,"valid_on": string
                  }
                  ComputedFields: never
                  Insert: {
                    "created_at"?: string,"currency": string,"rate_to_base": number,"source"?: string,"updated_at"?: string,"valid_on": string
                  }
                  Update: {
                    "created_at"?: string,"currency"?: string,"rate_to_base"?: number,"source"?: string,"updated_at"?: string,"valid_on"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "fx_rates_currency_fkey"
      columns: ["currency"]
isOneToOne: false
      referencedRelation: "currencies"
      referencedColumns: ["code"]
    }
                  ]
                },"name_vocabulary": {
                  Row: {
                    "concentration": Database["public"]['Enums']["concentration"] | null,"created_at": string,"gender": Database["public"]['Enums']["gender"] | null,"id": number,"kind": Database["public"]['Enums']["name_word_kind"],"language": string | null,"packaging": Database["public"]['Enums']["packaging"] | null,"phrase": string,"phrase_normalized": string | null,"updated_at": string
                  }
                  ComputedFields: never
                  Insert: {
                    "concentration"?: Database["public"]['Enums']["concentration"] | null,"created_at"?: string,"gender"?: Database["public"]['Enums']["gender"] | null,"id"?: never,"kind": Database["public"]['Enums']["name_word_kind"],"language"?: string | null,"packaging"?: Database["public"]['Enums']["packaging"] | null,"phrase": string,"phrase_normalized"?: never,"updated_at"?: string
                  }
                  Update: {
                    "concentration"?: Database["public"]['Enums']["concentration"] | null,"created_at"?: string,"gender"?: Database["public"]['Enums']["gender"] | null,"id"?: never,"kind"?: Database["public"]['Enums']["name_word_kind"],"language"?: string | null,"packaging"?: Database["public"]['Enums']["packaging"] | null,"phrase"?: string,"phrase_normalized"?: never,"updated_at"?: string
                  }
                  Relationships: [
                    
                  ]
                },"note_families": {
                  Row: {
                    "created_at": string,"id": string,"name": string,"slug": string,"updated_at": string
                  }
                  ComputedFields: never
                  Insert: {
                    "created_at"?: string,"id"?: string,"name": string,"slug": string,"updated_at"?: string
                  }
                  Update: {
                    "created_at"?: string,"id"?: string,"name"?: string,"slug"?: string,"updated_at"?: string
                  }
                  Relationships: [
                    
                  ]
                },"notes": {
                  Row: {
                    "created_at": string,"family_id": string,"id": string,"name": string,"name_key": string | null,"name_normalized": string | null,"name_word_heads": (string)[] | null,"parent_id": string | null,"slug": string,"updated_at": string
                  }
                  ComputedFields: never
                  Insert: {
                    "created_at"?: string,"family_id": string,"id"?: string,"name": string,"name_key"?: never,"name_normalized"?: never,"name_word_heads"?: never,"parent_id"?: string | null,"slug": string,"updated_at"?: string
                  }
                  Update: {
                    "created_at"?: string,"family_id"?: string,"id"?: string,"name"?: string,"name_key"?: never,"name_normalized"?: never,"name_word_heads"?: never,"parent_id"?: string | null,"slug"?: string,"updated_at"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "notes_family_id_fkey"
      columns: ["family_id"]
isOneToOne: false
      referencedRelation: "note_families"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "notes_parent_id_fkey"
      columns: ["parent_id"]
isOneToOne: false
      referencedRelation: "notes"
      referencedColumns: ["id"]
    }
                  ]
                },"olfactive_families": {
                  Row: {
                    "created_at": string,"description": string | null,"name": string,"slug": string,"updated_at": string
                  }
                  ComputedFields: never
                  Insert: {
                    "created_at"?: string,"description"?: string | null,"name": string,"slug": string,"updated_at"?: string
                  }
                  Update: {
                    "created_at"?: string,"description"?: string | null,"name"?: string,"slug"?: string,"updated_at"?: string
                  }
                  Relationships: [
                    
                  ]
                },"onboarding_answers": {
                  Row: {
                    "answer": NonNullable<Json>,"completed_at": string | null,"created_at": string,"step": Database["public"]['Enums']["onboarding_step"],"updated_at": string,"user_id": string
                  }
                  ComputedFields: never
                  Insert: {
                    "answer": NonNullable<Json>,"completed_at"?: string | null,"created_at"?: string,"step": Database["public"]['Enums']["onboarding_step"],"updated_at"?: string,"user_id"?: string
                  }
                  Update: {
                    "answer"?: NonNullable<Json>,"completed_at"?: string | null,"created_at"?: string,"step"?: Database["public"]['Enums']["onboarding_step"],"updated_at"?: string,"user_id"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "onboarding_answers_user_id_fkey"
      columns: ["user_id"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    }
                  ]
                },"perfumers": {
                  Row: {
                    "created_at": string,"id": string,"name": string,"name_normalized": string | null,"slug": string,"updated_at": string
                  }
                  ComputedFields: never
                  Insert: {
                    "created_at"?: string,"id"?: string,"name": string,"name_normalized"?: never,"slug": string,"updated_at"?: string
                  }
                  Update: {
                    "created_at"?: string,"id"?: string,"name"?: string,"name_normalized"?: never,"slug"?: string,"updated_at"?: string
                  }
                  Relationships: [
                    
                  ]
                },"price_alerts": {
                  Row: {
                    "armed": boolean,"created_at": string,"currency": string,"drop_pct": number | null,"fragrance_id": string,"id": string,"kind": Database["public"]['Enums']["price_alert_kind"],"last_event": number | null,"last_fired_at": string | null,"last_fired_price_base": number | null,"paused": boolean,"reference_price_base": number | null,"target": number | null,"updated_at": string,"user_id": string,"variant_id": string | null
                  }
                  ComputedFields: never
                  Insert: {
                    "armed"?: boolean,"created_at"?: string,"currency"?: string,"drop_pct"?: number | null,"fragrance_id": string,"id"?: string,"kind": Database["public"]['Enums']["price_alert_kind"],"last_event"?: number | null,"last_fired_at"?: string | null,"last_fired_price_base"?: number | null,"paused"?: boolean,"reference_price_base"?: number | null,"target"?: number | null,"updated_at"?: string,"user_id"?: string,"variant_id"?: string | null
                  }
                  Update: {
                    "armed"?: boolean,"created_at"?: string,"currency"?: string,"drop_pct"?: number | null,"fragrance_id"?: string,"id"?: string,"kind"?: Database["public"]['Enums']["price_alert_kind"],"last_event"?: number | null,"last_fired_at"?: string | null,"last_fired_price_base"?: number | null,"paused"?: boolean,"reference_price_base"?: number | null,"target"?: number | null,"updated_at"?: string,"user_id"?: string,"variant_id"?: string | null
                  }
                  Relationships: [
                    {
      foreignKeyName: "price_alerts_currency_fkey"
      columns: ["currency"]
isOneToOne: false
      referencedRelation: "currencies"
      referencedColumns: ["code"]
    },{
      foreignKeyName: "price_alerts_fragrance_id_fkey"
      columns: ["fragrance_id"]
isOneToOne: false
      referencedRelation: "fragrances"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "price_alerts_user_id_fkey"
      columns: ["user_id"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "price_alerts_variant_id_fkey"
      columns: ["variant_id"]
isOneToOne: false
      referencedRelation: "variants"
      referencedColumns: ["id"]
    }
                  ]
                },"price_history": {
                  Row: {
                    "created_at": string,"currency": string,"id": number,"in_stock": boolean,"listing_id": string,"price": number,"price_base": number,"updated_at": string,"valid": unknown
                  }
                  ComputedFields: never
                  Insert: {
                    "created_at"?: string,"currency": string,"id"?: never,"in_stock": boolean,"listing_id": string,"price": number,"price_base": number,"updated_at"?: string,"valid": unknown
                  }
                  Update: {
                    "created_at"?: string,"currency"?: string,"id"?: never,"in_stock"?: boolean,"listing_id"?: string,"price"?: number,"price_base"?: number,"updated_at"?: string,"valid"?: unknown
                  }
                  Relationships: [
                    
                  ]
                },"profiles": {
                  Row: {
                    "created_at": string,"display_name": string | null,"home_currency": string,"id": string,"updated_at": string
                  }
                  ComputedFields: never
                  Insert: {
                    "created_at"?: string,"display_name"?: string | null,"home_currency"?: string,"id": string,"updated_at"?: string
                  }
                  Update: {
                    "created_at"?: string,"display_name"?: string | null,"home_currency"?: string,"id"?: string,"updated_at"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "profiles_home_currency_fkey"
      columns: ["home_currency"]
isOneToOne: false
      referencedRelation: "currencies"
      referencedColumns: ["code"]
    }
                  ]
                },"recommendation_events": {
                  Row: {
                    "action": Database["public"]['Enums']["recommendation_action"],"context": NonNullable<Json>,"created_at": string,"fragrance_id": string,"id": number,"occurred_at": string,"updated_at": string,"user_id": string | null
                  }
                  ComputedFields: never
                  Insert: {
                    "action": Database["public"]['Enums']["recommendation_action"],"context"?: NonNullable<Json>,"created_at"?: string,"fragrance_id": string,"id"?: never,"occurred_at"?: string,"updated_at"?: string,"user_id"?: string | null
                  }
                  Update: {
                    "action"?: Database["public"]['Enums']["recommendation_action"],"context"?: NonNullable<Json>,"created_at"?: string,"fragrance_id"?: string,"id"?: never,"occurred_at"?: string,"updated_at"?: string,"user_id"?: string | null
                  }
                  Relationships: [
                    {
      foreignKeyName: "recommendation_events_fragrance_id_fkey"
      columns: ["fragrance_id"]
isOneToOne: false
      referencedRelation: "fragrances"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "recommendation_events_user_id_fkey"
      columns: ["user_id"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    }
                  ]
                },"retailer_listings": {
                  Row: {
                    "affiliate_url": string | null,"created_at": string,"first_seen_at": string,"gtin": string | null,"id": string,"match_confidence": number | null,"match_method": Database["public"]['Enums']["match_method"] | null,"retailer_id": string,"retailer_sku": string,"status": Database["public"]['Enums']["listing_status"],"title": string,"updated_at": string,"url": string,"variant_id": string | null,"volume_ml": number | null
                  }
                  ComputedFields: never
                  Insert: {
                    "affiliate_url"?: string | null,"created_at"?: string,"first_seen_at"?: string,"gtin"?: string | null,"id"?: string,"match_confidence"?: number | null,"match_method"?: Database["public"]['Enums']["match_method"] | null,"retailer_id": string,"retailer_sku": string,"status"?: Database["public"]['Enums']["listing_status"],"title": string,"updated_at"?: string,"url": string,"variant_id"?: string | null,"volume_ml"?: number | null
                  }
                  Update: {
                    "affiliate_url"?: string | null,"created_at"?: string,"first_seen_at"?: string,"gtin"?: string | null,"id"?: string,"match_confidence"?: number | null,"match_method"?: Database["public"]['Enums']["match_method"] | null,"retailer_id"?: string,"retailer_sku"?: string,"status"?: Database["public"]['Enums']["listing_status"],"title"?: string,"updated_at"?: string,"url"?: string,"variant_id"?: string | null,"volume_ml"?: number | null
                  }
                  Relationships: [
                    
                  ]
                },"retailers": {
                  Row: {
                    "active": boolean,"affiliate_network": Database["public"]['Enums']["affiliate_network"],"country": string,"created_at": string,"currency": string,"feed_format": Database["public"]['Enums']["feed_format"],"id": string,"name": string,"slug": string,"update_interval": string,"updated_at": string,"website": string
                  }
                  ComputedFields: never
                  Insert: {
                    "active"?: boolean,"affiliate_network"?: Database["public"]['Enums']["affiliate_network"],"country": string,"created_at"?: string,"currency": string,"feed_format"?: Database["public"]['Enums']["feed_format"],"id"?: string,"name": string,"slug": string,"update_interval"?: string,"updated_at"?: string,"website": string
                  }
                  Update: {
                    "active"?: boolean,"affiliate_network"?: Database["public"]['Enums']["affiliate_network"],"country"?: string,"created_at"?: string,"currency"?: string,"feed_format"?: Database["public"]['Enums']["feed_format"],"id"?: string,"name"?: string,"slug"?: string,"update_interval"?: string,"updated_at"?: string,"website"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "retailers_currency_fkey"
      columns: ["currency"]
isOneToOne: false
      referencedRelation: "currencies"
      referencedColumns: ["code"]
    }
                  ]
                },"similar_fragrances_cache": {
                  Row: {
                    "created_at": string,"fragrance_id": string,"rank": number,"score": number,"shared_accords": (string)[],"shared_notes": (string)[],"similar_fragrance_id": string,"similarity": number,"updated_at": string
                  }
                  ComputedFields: never
                  Insert: {
                    "created_at"?: string,"fragrance_id": string,"rank": number,"score": number,"shared_accords"?: (string)[],"shared_notes"?: (string)[],"similar_fragrance_id": string,"similarity": number,"updated_at"?: string
                  }
                  Update: {
                    "created_at"?: string,"fragrance_id"?: string,"rank"?: number,"score"?: number,"shared_accords"?: (string)[],"shared_notes"?: (string)[],"similar_fragrance_id"?: string,"similarity"?: number,"updated_at"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "similar_fragrances_cache_fragrance_id_fkey"
      columns: ["fragrance_id"]
isOneToOne: false
      referencedRelation: "fragrances"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "similar_fragrances_cache_similar_fragrance_id_fkey"
      columns: ["similar_fragrance_id"]
isOneToOne: false
      referencedRelation: "fragrances"
      referencedColumns: ["id"]
    }
                  ]
                },"variants": {
                  Row: {
                    "created_at": string,"fragrance_id": string,"gtin": string | null,"id": string,"packaging": Database["public"]['Enums']["packaging"],"quantity": number,"size_ml": number,"updated_at": string
                  }
                  ComputedFields: never
                  Insert: {
                    "created_at"?: string,"fragrance_id": string,"gtin"?: string | null,"id"?: string,"packaging"?: Database["public"]['Enums']["packaging"],"quantity"?: number,"size_ml": number,"updated_at"?: string
                  }
                  Update: {
                    "created_at"?: string,"fragrance_id"?: string,"gtin"?: string | null,"id"?: string,"packaging"?: Database["public"]['Enums']["packaging"],"quantity"?: number,"size_ml"?: number,"updated_at"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "variants_fragrance_id_fkey"
      columns: ["fragrance_id"]
isOneToOne: false
      referencedRelation: "fragrances"
      referencedColumns: ["id"]
    }
                  ]
                }
          }
          Views: {
            [_ in never]: never
          }
          Functions: {
            "base_currency":
{ Args: Record<PropertyKey, never>; Returns: string
                           },
"best_offers":
{ Args: { "currency"?: string,"fragrance_id": string }; Returns: {
              "change_vs_low_pct": number,"converted_currency": string,"in_stock": boolean,"listing_id": string,"low_30d": number,"observed_at": string,"packaging": Database["public"]['Enums']["packaging"],"price": number,"price_converted": number,"price_currency": string,"price_per_100ml": number,"quantity": number,"retailer_id": string,"retailer_name": string,"shipping": number,"size_ml": number,"title": string,"total": number,"url": string,"variant_id": string
            }[]
                           },
"catalog_reviews":
{ Args: { "max_rows"?: number,"status"?: string }; Returns: {
              "brand": string,"candidate_id": string,"candidate_name": string,"concentration": string,"created_at": string,"id": number,"name": string,"reason": string,"similarity": number,"source": string,"source_key": string,"source_url": string,"year": string
            }[]
                           },
"concentration_label":
{ Args: { "c": Database["public"]['Enums']["concentration"] }; Returns: string
                           },
"create_price_alert":
{ Args: { "currency"?: string,"drop_pct"?: number,"fragrance_id": string,"kind": Database["public"]['Enums']["price_alert_kind"],"target"?: number,"variant_id"?: string }; Returns: {
              "armed": boolean,
"created_at": string,
"currency": string,
"drop_pct": number | null,
"fragrance_id": string,
"id": string,
"kind": Database["public"]['Enums']["price_alert_kind"],
"last_event": number | null,
"last_fired_at": string | null,
"last_fired_price_base": number | null,
"paused": boolean,
"reference_price_base": number | null,
"target": number | null,
"updated_at": string,
"user_id": string,
"variant_id": string | null
            }
                          SetofOptions: {
        from: "*"
        to: "price_alerts"
        isOneToOne: true
        isSetofReturn: false
      } },
"dashboard_affiliate_ctr":
{ Args: { "from": string,"retailer_id"?: string,"to"?: string }; Returns: {
              "clickers": number,"clicks": number,"ctr": number,"day": string,"impressions": number,"retailer": string,"retailer_id": string
            }[]
                           },
"dashboard_collection_pairs":
{ Args: { "k"?: number }; Returns: {
              "fragrance_a": string,"fragrance_b": string,"name_a": string,"name_b": string,"owners": number
            }[]
                           },
"dashboard_family_affinity":
{ Args: Record<PropertyKey, never>; Returns: unknown[]
                          SetofOptions: {
        from: "*"
        to: "family_affinity"
        isOneToOne: false
        isSetofReturn: true
      } },
"dashboard_onboarding_funnel":
{ Args: Record<PropertyKey, never>; Returns: unknown[]
                          SetofOptions: {
        from: "*"
        to: "onboarding_funnel"
        isOneToOne: false
        isSetofReturn: true
      } },
"dashboard_price_index":
{ Args: { "fragrance_id": string,"from": string,"to"?: string }; Returns: {
              "day": string,"fragrance_id": string,"median_per_100ml": number,"observations": number,"retailers": number
            }[]
                           },
"dashboard_recommendations":
{ Args: { "from": string,"to"?: string }; Returns: unknown[]
                          SetofOptions: {
        from: "*"
        to: "recommendation_daily"
        isOneToOne: false
        isSetofReturn: true
      } },
"dashboard_refreshes":
{ Args: Record<PropertyKey, never>; Returns: {
              "last_error": string,"last_refreshed_at": string,"last_status": string,"populated": boolean,"rows": number,"view": string
            }[]
                           },
"data_quality_report":
{ Args: Record<PropertyKey, never>; Returns: {
              "category": string,"check_name": string,"checked_at": string,"description": string,"failing_count": number,"sample_ids": (string)[],"severity": Database["public"]['Enums']["check_severity"]
            }[]
                           },
"deals":
{ Args: { "currency"?: string,"filters"?: Json,"min_drop_pct"?: number,"page"?: number,"page_size"?: number }; Returns: {
              "brand_name": string,"change_vs_low_pct": number,"change_vs_median_pct": number,"concentration": Database["public"]['Enums']["concentration"],"fragrance_id": string,"gender": Database["public"]['Enums']["gender"],"listing_id": string,"low_30d": number,"median_30d": number,"name": string,"observed_at": string,"packaging": Database["public"]['Enums']["packaging"],"price": number,"price_currency": string,"price_per_100ml": number,"quantity": number,"retailer_id": string,"retailer_name": string,"shipping": number,"size_ml": number,"slug": string,"total": number,"url": string,"variant_id": string
            }[]
                           },
"delete_price_alert":
{ Args: { "alert_id": string }; Returns: boolean
                           },
"erase_my_account":
{ Args: Record<PropertyKey, never>; Returns: Json
                           },
"export_my_data":
{ Args: Record<PropertyKey, never>; Returns: Json
                           },
"fragrance_lineage":
{ Args: { "fragrance_id": string }; Returns: {
              "fields": (string)[],"first_imported_at": string,"first_run_id": number,"last_imported_at": string,"last_run_id": number,"source": string,"source_key": string,"source_url": string
            }[]
                           },
"fx_rate":
{ Args: { "from_currency": string,"on_day"?: string }; Returns: number
                           },
"is_valid_gtin":
{ Args: { "code": string }; Returns: boolean
                           },
"my_alert_notifications":
{ Args: { "before_id"?: number,"page_size"?: number }; Returns: {
              "alert_id": string,
"attempts": number,
"created_at": string,
"delivered_at": string | null,
"event": number,
"id": number,
"last_error": string | null,
"next_attempt_at": string,
"payload": NonNullable<Json>,
"status": string,
"updated_at": string,
"user_id": string
            }[]
                          SetofOptions: {
        from: "*"
        to: "alert_notifications"
        isOneToOne: false
        isSetofReturn: true
      } },
"my_collection":
{ Args: Record<PropertyKey, never>; Returns: {
              "brand_name": string,"concentration": Database["public"]['Enums']["concentration"],"fragrance_id": string,"name": string,"note": string,"rating": number,"slug": string,"status": Database["public"]['Enums']["collection_status"],"updated_at": string
            }[]
                           },
"my_price_alerts":
{ Args: Record<PropertyKey, never>; Returns: {
              "best_price": number,"best_price_per_100ml": number,"brand_name": string,"created_at": string,"currency": string,"drop_pct": number,"fragrance_id": string,"id": string,"kind": Database["public"]['Enums']["price_alert_kind"],"last_fired_at": string,"name": string,"paused": boolean,"size_ml": number,"slug": string,"target": number,"variant_id": string
            }[]
                           },
"normalize_name":
{ Args: { "name": string }; Returns: string
                           },
"ops_status":
{ Args: Record<PropertyKey, never>; Returns: {
              "details": Json,"item": string,"status": string,"summary": string
            }[]
                           },
"pause_price_alert":
{ Args: { "alert_id": string,"paused"?: boolean }; Returns: {
              "armed": boolean,
"created_at": string,
"currency": string,
"drop_pct": number | null,
"fragrance_id": string,
"id": string,
"kind": Database["public"]['Enums']["price_alert_kind"],
"last_event": number | null,
"last_fired_at": string | null,
"last_fired_price_base": number | null,
"paused": boolean,
"reference_price_base": number | null,
"target": number | null,
"updated_at": string,
"user_id": string,
"variant_id": string | null
            }
                          SetofOptions: {
        from: "*"
        to: "price_alerts"
        isOneToOne: true
        isSetofReturn: false
      } },
"pending_price_anomalies":
{ Args: { "after_id"?: number,"page_size"?: number }; Returns: {
              "anomaly_id": number,"brand_name": string,"currency": string,"current_price_base": number,"fragrance_name": string,"fragrance_slug": string,"held_at": string,"kind": Database["public"]['Enums']["price_anomaly_kind"],"listing_id": string,"observed_at": string,"packaging": Database["public"]['Enums']["packaging"],"price": number,"price_base": number,"reason": string,"reference_price_base": number,"retailer_sku": string,"retailer_slug": string,"size_ml": number,"title": string,"url": string
            }[]
                           },
"price_history":
{ Args: { "bucket"?: string,"from": string,"to"?: string,"variant_id": string }; Returns: {
              "avg_price": number,"bucket_start": string,"currency": string,"max_price": number,"min_price": number,"retailers": number
            }[]
                           },
"recommend_for_me":
{ Args: { "k"?: number }; Returns: {
              "brand": string,"fragrance_id": string,"name": string,"reason": string,"score": number
            }[]
                           },
"record_recommendation_feedback":
{ Args: { "action": Database["public"]['Enums']["recommendation_action"],"context"?: Json,"fragrance_id": string }; Returns: number
                           },
"resolve_catalog_review":
{ Args: { "concentration"?: Database["public"]['Enums']["concentration"],"decision": string,"fragrance_id"?: string,"review_id": number }; Returns: Json
                           },
"retailer_freshness":
{ Args: Record<PropertyKey, never>; Returns: {
              "age": string,"breached_since": string,"expected_interval": string,"last_batch_at": string,"offers": number,"retailer_id": string,"slug": string,"stale_offers": number,"status": string
            }[]
                           },
"review_price_anomaly":
{ Args: { "anomaly_id": number,"approve": boolean }; Returns: Database["public"]['Enums']["review_status"]
                           },
"save_to_collection":
{ Args: { "fragrance_id": string,"note"?: string,"rating"?: number,"status": Database["public"]['Enums']["collection_status"] }; Returns: {
              "created_at": string,
"fragrance_id": string,
"id": string,
"note": string | null,
"rating": number | null,
"status": Database["public"]['Enums']["collection_status"],
"updated_at": string,
"user_id": string
            }
                          SetofOptions: {
        from: "*"
        to: "collection_entries"
        isOneToOne: true
        isSetofReturn: false
      } },
"search_fragrances":
{ Args: { "currency"?: string,"embedding_model"?: string,"filters"?: Json,"keyword_weight"?: number,"name_weight"?: number,"page"?: number,"page_size"?: number,"q": string,"query_embedding"?: string,"rrf_k"?: number,"scent_weight"?: number,"trigram_weight"?: number,"vector_weight"?: number }; Returns: {
              "available": boolean,"best_price": number,"best_price_per_100ml": number,"brand_name": string,"brand_slug": string,"concentration": Database["public"]['Enums']["concentration"],"family": string,"fragrance_id": string,"gender": Database["public"]['Enums']["gender"],"keyword_rank": number,"name": string,"name_rank": number,"price_currency": string,"scent_rank": number,"score": number,"slug": string,"top_notes": (string)[],"trigram_rank": number,"vector_rank": number
            }[]
                           },
"set_notification_webhook":
{ Args: { "url": string }; Returns: string
                           },
"similar_fragrances":
{ Args: { "fragrance_id": string,"k"?: number }; Returns: {
              "brand_name": string,"cached": boolean,"concentration": Database["public"]['Enums']["concentration"],"name": string,"score": number,"shared_accords": (string)[],"shared_notes": (string)[],"similar_fragrance_id": string,"similarity": number,"slug": string
            }[]
                           },
"similar_fragrances_live":
{ Args: { "fragrance_id": string,"k"?: number }; Returns: {
              "score": number,"shared_accords": (string)[],"shared_notes": (string)[],"similar_fragrance_id": string,"similarity": number
            }[]
                           },
"track_affiliate_click":
{ Args: { "listing_id": string,"referrer"?: string,"session_id"?: string }; Returns: {
              "click_id": string,"redirect_url": string
            }[]
                           }
          }
          Enums: {
            "affiliate_network": "awin"|"cj"|"rakuten"|"impact"|"none","check_severity": "info"|"warn"|"error","collection_status": "owned"|"wishlist"|"tried"|"disliked","concentration": "extrait"|"parfum"|"edp"|"edt"|"edc"|"cologne"|"eau_fraiche"|"body_mist"|"perfume_oil"|"hair_mist","feed_format": "json"|"csv","gender": "feminine"|"masculine"|"unisex","listing_status": "unmatched"|"review"|"matched"|"rejected"|"inactive","match_method": "gtin"|"attributes"|"manual","name_word_kind": "concentration"|"packaging"|"gender"|"genre"|"edition"|"component"|"number"|"filler","note_tier": "top"|"heart"|"base","onboarding_step": "families"|"notes"|"occasions"|"budget","packaging": "retail"|"tester"|"unboxed"|"refill"|"travel"|"gift_set"|"sample","price_alert_kind": "price_below"|"per_100ml_below"|"drop_pct"|"back_in_stock","price_anomaly_kind": "currency_error"|"unit_error"|"jump"|"below_30d_low"|"implausible","recommendation_action": "impression"|"click"|"accept"|"dismiss","review_status": "pending"|"approved"|"rejected"
          }
          CompositeTypes: {
            [_ in never]: never
          }
        }
}

type DatabaseWithoutInternals = Omit<Database, '__InternalSupabase'>

type DefaultSchema = DatabaseWithoutInternals[Extract<keyof Database, "public">]

export type Tables<
  DefaultSchemaTableNameOrOptions extends
    | keyof (DefaultSchema["Tables"] & DefaultSchema["Views"])
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
        DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Views"])
    : never = never
> = DefaultSchemaTableNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
  ? (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
      DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Views"])[TableName] extends {
      Row: infer R
    }
    ? R
    : never
  : DefaultSchemaTableNameOrOptions extends keyof (DefaultSchema["Tables"] & DefaultSchema["Views"])
  ? (DefaultSchema["Tables"] & DefaultSchema["Views"])[DefaultSchemaTableNameOrOptions] extends {
      Row: infer R
    }
    ? R
    : never
  : never

export type TablesInsert<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema["Tables"]
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never = never
> = DefaultSchemaTableNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {
      Insert: infer I
    }
    ? I
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
  ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
      Insert: infer I
    }
    ? I
    : never
  : never

export type TablesUpdate<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema["Tables"]
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never = never
> = DefaultSchemaTableNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {
      Update: infer U
    }
    ? U
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
  ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
      Update: infer U
    }
    ? U
    : never
  : never

export type Enums<
  DefaultSchemaEnumNameOrOptions extends
    | keyof DefaultSchema["Enums"]
    | { schema: keyof DatabaseWithoutInternals },
  EnumName extends DefaultSchemaEnumNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"]
    : never = never
> = DefaultSchemaEnumNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
  ? DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"][EnumName]
  : DefaultSchemaEnumNameOrOptions extends keyof DefaultSchema["Enums"]
  ? DefaultSchema["Enums"][DefaultSchemaEnumNameOrOptions]
  : never

export type CompositeTypes<
  PublicCompositeTypeNameOrOptions extends
    | keyof DefaultSchema["CompositeTypes"]
    | { schema: keyof DatabaseWithoutInternals },
  CompositeTypeName extends PublicCompositeTypeNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"]
    : never = never
> = PublicCompositeTypeNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
  ? DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"][CompositeTypeName]
  : PublicCompositeTypeNameOrOptions extends keyof DefaultSchema["CompositeTypes"]
  ? DefaultSchema["CompositeTypes"][PublicCompositeTypeNameOrOptions]
  : never

export const Constants = {
  "public": {
          Enums: {
            "affiliate_network": ["awin", "cj", "rakuten", "impact", "none"],"check_severity": ["info", "warn", "error"],"collection_status": ["owned", "wishlist", "tried", "disliked"],"concentration": ["extrait", "parfum", "edp", "edt", "edc", "cologne", "eau_fraiche", "body_mist", "perfume_oil", "hair_mist"],"feed_format": ["json", "csv"],"gender": ["feminine", "masculine", "unisex"],"listing_status": ["unmatched", "review", "matched", "rejected", "inactive"],"match_method": ["gtin", "attributes", "manual"],"name_word_kind": ["concentration", "packaging", "gender", "genre", "edition", "component", "number", "filler"],"note_tier": ["top", "heart", "base"],"onboarding_step": ["families", "notes", "occasions", "budget"],"packaging": ["retail", "tester", "unboxed", "refill", "travel", "gift_set", "sample"],"price_alert_kind": ["price_below", "per_100ml_below", "drop_pct", "back_in_stock"],"price_anomaly_kind": ["currency_error", "unit_error", "jump", "below_30d_low", "implausible"],"recommendation_action": ["impression", "click", "accept", "dismiss"],"review_status": ["pending", "approved", "rejected"]
          }
        }
} as const
