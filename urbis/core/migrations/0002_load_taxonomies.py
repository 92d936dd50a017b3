from django.db import migrations


def load(apps, schema_editor):
    from urbis.core.taxonomies import METROPOLITAN_ASPECTS, OUTCOME_AREAS, SDGS

    SDG = apps.get_model("core", "SDG")
    Theme = apps.get_model("core", "Theme")
    for goal in SDGS:
        SDG.objects.update_or_create(number=goal.number, defaults={"short_name": str(goal.short_name), "colour": goal.colour})
    for kind, entries in (("outcome_area", OUTCOME_AREAS), ("aspect", METROPOLITAN_ASPECTS)):
        for position, (slug, name) in enumerate(entries):
            Theme.objects.update_or_create(slug=slug, defaults={"kind": kind, "name": str(name), "position": position})


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
