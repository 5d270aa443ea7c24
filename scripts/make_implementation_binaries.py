"""Write the binary files of the synthetic implementation-science example (python-docx).

The text lives here so that the example can be rebuilt and reviewed as plain text::

    python scripts/make_implementation_binaries.py

writes ``data/implementation/interviews/manager_riverside_01.docx``. Synthetic: every
name, number, place and event is invented.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "data" / "implementation" / "interviews" / "manager_riverside_01.docx"

HEADER = [
    "SYNTHETIC DATA — fictional, written for the qualkit implementation-science example. "
    "All names, numbers, places and events are invented.",
    "Semi-structured interview with the matron for older people's medicine, Riverside "
    "Community Hospital, 28 March 2025. Held in the matron's office.",
]

TURNS = [
    ("Interviewer", "Could you tell me about your role and how you became involved with the early-warning score?"),
    ("Priya", "I'm the matron for older people's medicine, so I look after Elm Ward and two other wards. "
     "When the board agreed to adopt the score across the hospital, each matron was asked to lead it in their area. "
     "I was keen, actually. We'd had two patients the year before who deteriorated and, in hindsight, the signs were there in the observations. "
     "Nobody had put them together."),
    ("Interviewer", "How did you go about it?"),
    ("Priya", "I didn't want it to be something done to the nurses. So before we'd bought anything, I got a group together: "
     "two staff nurses, a healthcare assistant, a physiotherapist, Doctor Haddad, and a patient representative from our patient panel. "
     "We met three times. We went through the chart line by line and asked, what will this mean for our patients? "
     "That's where the COPD adaptation came from, and the end-of-life exception. Those came from the nurses, not from me."),
    ("Interviewer", "Was there any resistance?"),
    ("Priya", "Some. Um, there's a view among some experienced nurses that scores are for students, that a good nurse doesn't need one. "
     "I understand that. But I'd say to them, it's not about you, it's about the agency nurse on a Saturday night who doesn't know the patient. "
     "It gives everyone the same language. Most came round once they saw it catch something. "
     "A couple still grumble that it's paperwork. I think that's fair in a way, it is extra documentation."),
    ("Interviewer", "What about resources?"),
    ("Priya", "That's the hard part. We're a small hospital with a small budget. The tablets were funded by the regional digital fund, "
     "which was a one-off grant, and I don't know what happens when they need replacing. "
     "Our agency spend was capped in April by the integrated care board, so the nights are thinner than I'd like. "
     "The score can't make up for not having enough hands."),
    ("Interviewer", "How do you know whether it's working?"),
    ("Priya", "We audit ten sets of observations a week, random, and I share the results at the ward meeting. "
     "We track the concern-line calls and what came of them. And we look at cardiac arrest calls on the ward, which have gone down, "
     "though it's early and the numbers are small, so I wouldn't claim too much. "
     "What I've asked for is a proper dashboard the nurses can see themselves. At the moment the data goes to the quality team and comes back to me in a spreadsheet."),
    ("Interviewer", "What role has senior leadership played?"),
    ("Priya", "The director of nursing came to our launch and she's been supportive. "
     "But to be honest the most important leader here has been Doctor Haddad. When a consultant asks for the score on the ward round, "
     "everyone takes it seriously. If he'd been dismissive, it would have died."),
    ("Interviewer", "And patients?"),
    ("Priya", "Our patient representative, Mrs Kaur, insisted on the concern line being part of it from the start, and on a leaflet in plain English. "
     "She was right. The families have used it well. We've not had the flood of calls some people predicted. "
     "If you want the leaflet, email me at priya.raman@riverside-hospital.example."),
    ("Interviewer", "Thank you. Anything you would do differently?"),
    ("Priya", "Start the night-staff training earlier, and build the agency induction into it from day one. "
     "We were playing catch-up on that for months."),
]


def main() -> Path:
    doc = Document()
    for line in HEADER:
        doc.add_paragraph(line)
    for speaker, text in TURNS:
        doc.add_paragraph(f"{speaker}: {text}")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    doc.save(OUT)
    return OUT


if __name__ == "__main__":
    print(main())
