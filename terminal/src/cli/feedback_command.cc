// patron feedback: records a member's complaint, suggestion, praise or
// rating at this till (POST /v1/feedback); it reaches head office once,
// where a complaint opens a case.
#include <iostream>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "cli/daemon_client.h"
#include "cli/format.h"

namespace patron::cli {
namespace {

using nlohmann::json;

struct FeedbackOptions {
  std::string member_id;
  std::string kind;
  std::string feedback_ref;
  int64_t rating = 0;
  std::string topic;
  std::string sale_ref;
  std::string text;
};

void PrintFeedback(const json& doc) {
  std::cout << "feedback " << Text(doc, "feedback_ref")
            << (Bool(doc, "replayed") ? " (replayed: already recorded, nothing changed)" : "")
            << "\n";
  Fields fields;
  fields.Add("member", Text(doc, "member_id")).Add("kind", Text(doc, "kind"));
  // Fields left empty are not in the answer.
  if (doc.contains("rating")) {
    const int64_t most = Text(doc, "kind") == "nps" ? 10 : 5;
    fields.Add("rating", std::to_string(Int(doc, "rating")) + "/" + std::to_string(most));
  }
  if (doc.contains("topic")) fields.Add("topic", Text(doc, "topic"));
  if (doc.contains("sale_id")) fields.Add("sale", Text(doc, "sale_id"));
  if (doc.contains("text")) fields.Add("text", Text(doc, "text"));
  fields.Add("sent", Text(doc, "kind") == "complaint"
                         ? "to head office with the next sync; it opens a case there"
                         : "to head office with the next sync");
  fields.Print();
}

}  // namespace

void AddFeedbackCommand(CLI::App& app, Cli& cli) {
  auto o = std::make_shared<FeedbackOptions>();
  CLI::App* feedback = app.add_subcommand(
      "feedback", "Record a member's complaint, suggestion, praise or rating (works offline)");
  feedback->add_option("MEMBER_ID", o->member_id, "the member's id")->required();
  feedback
      ->add_option("KIND", o->kind,
                   "complaint, suggestion, praise, rating, or a survey answer: nps or csat")
      ->required();
  feedback
      ->add_option("--ref", o->feedback_ref,
                   "the POS's key for it; repeating it is safe (recorded once)")
      ->required();
  feedback->add_option("--rating", o->rating,
                       "1 to 5 (required for a rating and csat); 0 to 10 for nps");
  feedback->add_option("--topic", o->topic, "what it is about: service, product, points...");
  feedback->add_option("--sale", o->sale_ref,
                       "the receipt of this till's sale it is about (required for nps, csat)");
  feedback->add_option("--text", o->text, "the member's words (required for a complaint)");
  OnChosen(*feedback, cli, [&cli, o] {
    json body = {{"feedback_ref", o->feedback_ref}, {"member_id", o->member_id}, {"kind", o->kind}};
    if (o->rating != 0 || o->kind == "nps") body["rating"] = o->rating;
    if (!o->topic.empty()) body["topic"] = o->topic;
    if (!o->sale_ref.empty()) body["sale_ref"] = o->sale_ref;
    if (!o->text.empty()) body["text"] = o->text;
    return CallDaemon(cli.global, {"POST", "/v1/feedback", body}, PrintFeedback);
  });
}

}  // namespace patron::cli
